package io.kka.data.readers;

import static io.kka.data.readers.DatasetFixtures.encode;
import static io.kka.data.readers.DatasetFixtures.image;
import static io.kka.data.readers.DatasetFixtures.write;
import static io.kka.data.readers.FolderReaderTest.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.DataConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ManifestReader}: CSV, JSONL and Parquet manifests. */
class ManifestReaderTest {
    private static Path dir;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void images(@TempDir Path tmp) throws Exception {
        dir = tmp;
        write(dir.resolve("meta/img/a.png"), encode(image(28, 28, 1, 1), "png"));
        write(dir.resolve("meta/img/b.jpg"), encode(image(40, 40, 3, 2), "jpg"));
        write(dir.resolve("elsewhere/c.png"), encode(image(28, 28, 1, 3), "png"));
    }

    private Map<String, Row> read(Path manifest, String... allowedImageRoots) {
        Map<String, Row> out = new TreeMap<>();
        new ManifestReader(DatasetFixtures.config(DataConfig.DatasetKind.MANIFEST, manifest, allowedImageRoots))
                .read(spark).collectAsList().forEach(r -> out.put(r.getString(0), r));
        return out;
    }

    @Test
    void imageUrisOutsideTheAllowedRootsAreRefusedBeforeAnyRead() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            String http = "http://127.0.0.1:" + server.getAddress().getPort() + "/internal/secret.png";
            Path m = write(dir.resolve("meta/hostile.csv"), String.join("\n",
                    "image_uri,class_name",
                    "img/a.png,cat",
                    http + ",cat",
                    "file:/etc/passwd,cat",
                    "img/../../elsewhere/c.png,cat",
                    dir.resolve("elsewhere/c.png") + ",cat"));
            Map<String, Row> rows = read(m);
            assertEquals(5, rows.size(), rows.keySet().toString());
            assertNull(rows.get("hostile.csv row 1 (img/a.png)").get(5), "inside the manifest's directory");
            for (String bad : List.of(http, "file:/etc/passwd", "img/../../elsewhere/c.png",
                    dir.resolve("elsewhere/c.png").toString())) {
                String error = rows.entrySet().stream().filter(e -> e.getKey().endsWith("(" + bad + ")"))
                        .findFirst().orElseThrow().getValue().getString(5);
                assertTrue(error != null && error.contains(" is outside the allowed roots [")
                        && error.endsWith("(the manifest's directory and data.allowed_image_roots); not read"),
                        bad + ": " + error);
            }
            assertEquals(0, hits.get(), "nothing was fetched from the http:// URI");
            // an allowed root lets the same absolute path in
            Map<String, Row> allowed = read(m, dir.resolve("elsewhere").toString());
            assertNull(allowed.get("hostile.csv row 5 (" + dir.resolve("elsewhere/c.png") + ")").get(5));
            assertNull(allowed.get("hostile.csv row 4 (img/../../elsewhere/c.png)").get(5));
            assertEquals(0, hits.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void csvResolvesRelativeAbsoluteAndUriPathsAndNamesBadRows() throws Exception {
        Path m = write(dir.resolve("meta/manifest.csv"), String.join("\n",
                "image_uri,class_name,caption,split,extra",
                "img/a.png,Cat,\"a cat, sitting\",train,1",
                dir.resolve("elsewhere/c.png") + ",dog,,test,2",
                "",
                uri(dir.resolve("meta/img/b.jpg")) + ",dog,a dog,VAL,3",
                "img/missing.png,cat,,,4",
                "img/a.png,,no class,,5",
                "img/a.png,cat,,holdout,6",
                "img/a.png,cat,\"unterminated,,7",
                "img/a.png,cat"));
        String elsewhere = dir.resolve("elsewhere").toString();
        DataConfig cfg = DatasetFixtures.config(DataConfig.DatasetKind.MANIFEST, m, elsewhere);
        assertEquals(List.of("Cat", "cat", "dog"), new ManifestReader(cfg).classNames(spark));
        Map<String, Row> rows = read(m, elsewhere);
        assertEquals(8, rows.size(), rows.keySet().toString());
        Row a = rows.get("manifest.csv row 1 (img/a.png)");
        assertEquals("Cat", a.getString(1));
        assertEquals(List.of("a cat, sitting"), a.getList(2));
        assertEquals("train", a.getString(3));
        assertTrue(((byte[]) a.get(4)).length > 0);
        assertNull(a.get(5));
        Row c = rows.get("manifest.csv row 2 (" + dir.resolve("elsewhere/c.png") + ")");
        assertEquals("test", c.getString(3));
        assertNull(c.get(2));
        assertEquals("val", rows.get("manifest.csv row 4 (" + uri(dir.resolve("meta/img/b.jpg")) + ")").getString(3));
        assertEquals("image file does not exist (" + uri(dir.resolve("meta/img/missing.png")) + ")",
                rows.get("manifest.csv row 5 (img/missing.png)").getString(5));
        assertEquals("class_name is empty", rows.get("manifest.csv row 6 (img/a.png)").getString(5));
        assertEquals("split must be train, val or test, found 'holdout'",
                rows.get("manifest.csv row 7 (img/a.png)").getString(5));
        assertEquals("not valid CSV (unterminated quoted field starting at column 15)",
                rows.get("manifest.csv row 8").getString(5));
        assertEquals("has 2 fields, the header has 5", rows.get("manifest.csv row 9").getString(5));
    }

    @Test
    void jsonlTakesCaptionsArrays() throws Exception {
        Path m = write(dir.resolve("meta/manifest.jsonl"), String.join("\n",
                "{\"image_uri\": \"img/a.png\", \"class_name\": \"cat\", \"captions\": [\"one\", \"two\"]}",
                "{\"image_uri\": \"img/b.jpg\", \"class_name\": \"dog\", \"caption\": \"three\", \"split\": \"test\"}",
                "[1, 2]"));
        Map<String, Row> rows = read(m);
        assertEquals(List.of("one", "two"), rows.get("manifest.jsonl row 1 (img/a.png)").getList(2));
        assertEquals("test", rows.get("manifest.jsonl row 2 (img/b.jpg)").getString(3));
        assertEquals("is not a JSON object", rows.get("manifest.jsonl row 3").getString(5));
    }

    @Test
    void parquetManifestWithRowNumbers() {
        StructType schema = new StructType().add("image_uri", DataTypes.StringType)
                .add("class_name", DataTypes.StringType).add("caption", DataTypes.StringType);
        String out = dir.resolve("meta/manifest.parquet").toString();
        spark.createDataFrame(List.of(RowFactory.create("img/a.png", "cat", "pq caption"),
                RowFactory.create("img/nope.png", "cat", null)), schema).coalesce(1).write().parquet(out);
        Map<String, Row> rows = read(Path.of(out));
        assertEquals(List.of("pq caption"), rows.get("manifest.parquet row 1 (img/a.png)").getList(2));
        assertTrue(rows.get("manifest.parquet row 2 (img/nope.png)").getString(5).startsWith(
                "image file does not exist"));
    }

    @Test
    void badManifestsAreNamed() throws Exception {
        Path noCol = write(dir.resolve("meta/nocol.csv"), "uri,class_name\nimg/a.png,cat\n");
        assertEquals(noCol + ": header lacks column image_uri (found: uri, class_name)", assertThrows(
                InvalidInputException.class, () -> read(noCol)).getMessage());
        Path txt = write(dir.resolve("meta/manifest.txt"), "x");
        assertTrue(assertThrows(InvalidInputException.class, () -> read(txt)).getMessage()
                .endsWith("manifest.txt: a manifest must end in .csv, .jsonl, .ndjson, .json or .parquet (optionally"
                        + " .gz for text)"));
        Path nope = dir.resolve("meta/nope.csv");
        assertEquals("data.path " + nope + " does not exist (expected the manifest file)", assertThrows(
                InvalidInputException.class, () -> read(nope)).getMessage());
    }
}
