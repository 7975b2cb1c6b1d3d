package io.kka.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.data.ImageCodec;
import io.kka.export.FileNames;
import io.kka.loop.FakeRuns;
import io.kka.testing.Fixtures;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kka export} on run directories written by the real loop with fast fake stages. */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ITERATIONS = 2;
    private static Path run;
    private static Path stopped;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void runs(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path data = Fixtures.fashionMnist(dir.resolve("fm"), 12, 5);
        run = FakeRuns.write(spark, data, dir.resolve("run"), ITERATIONS, Integer.MAX_VALUE);
        // a driver killed after renaming the last iteration into place but before its commit marker
        stopped = copy(run, dir.resolve("stopped"));
        Files.delete(stopped.resolve(String.format("iterations/%03d/_COMMITTED", ITERATIONS)));
    }

    private static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
        return to;
    }

    @Test
    void anomalibFolderHoldsTheTrainNormalsAndTheFinalAnomalySet(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("folder");
        KkaCliTest.Run r = KkaCliTest.kka("export", run.toString(), "--format", "anomalib-folder", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("final iteration " + ITERATIONS), r.out());
        assertEquals(ids(trainNormals()), pngs(out.resolve("normal")));
        assertEquals(ids(finalSet()), pngs(out.resolve("abnormal")));
        assertFalse(ids(finalSet()).isEmpty());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertEquals(Set.of("_SUCCESS", "abnormal", "normal"), names(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(out), left.toList(), "no temporary sibling left behind");
        }
    }

    @Test
    void manifestValidatesAndDescribesEveryImage(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("m");
        KkaCliTest.Run r = KkaCliTest.kka("export", run.toString(), "--format", "manifest", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, JsonNode> lines = manifest(out);
        Map<String, Row> set = byId(finalSet());
        Set<String> normals = ids(trainNormals());
        assertEquals(normals.size() + set.size(), lines.size());
        assertEquals(normals.size(), pngs(out.resolve("images/normal")).size());
        assertEquals(set.size(), pngs(out.resolve("images/anomaly")).size());
        for (JsonNode line : lines.values()) {
            String id = line.get("sample_id").asText();
            if (line.get("role").asText().equals("normal")) {
                assertTrue(normals.contains(id), id);
                assertTrue(line.get("iteration").isNull() && line.get("hardness").isNull(), line.toString());
                assertEquals("images/normal/" + id + ".png", line.get("path").asText());
                continue;
            }
            Row row = set.get(id);
            assertEquals(row.<String>getAs("caption"), line.get("caption").asText(), line.toString());
            assertEquals(row.<Integer>getAs("iteration").intValue(), line.get("iteration").asInt());
            assertEquals(row.<String>getAs("hardness"), line.get("hardness").asText());
            assertEquals(row.<Double>getAs("score"), line.get("score").asDouble(), 1e-12);
            assertTrue(line.get("in_final_set").asBoolean());
            assertEquals("E_" + ITERATIONS, line.get("judged_by").asText());
            assertEquals("images/anomaly/" + id + ".png", line.get("path").asText());
        }
    }

    @Test
    void allIterationsAddsEveryIterationsHardAnomalies(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("all");
        KkaCliTest.Run r = KkaCliTest.kka("export", run.toString(), "--format", "manifest", "--out", out.toString(),
                "--all-iterations");
        assertEquals(0, r.code(), r.err());
        Map<String, JsonNode> lines = manifest(out);
        Set<String> finalIds = ids(finalSet());
        Map<String, Integer> hardAt = new HashMap<>();
        for (int t = 0; t <= ITERATIONS; t++) {
            for (String id : ids(spark.read().parquet(run.resolve(String.format("iterations/%03d/generated", t))
                    .toString()).where("hardness = 'hard' and image is not null and error is null"))) {
                hardAt.putIfAbsent(id, t);
            }
        }
        assertFalse(hardAt.isEmpty());
        Set<String> expected = new TreeSet<>(finalIds);
        expected.addAll(hardAt.keySet());
        Set<String> anomalies = lines.values().stream().filter(l -> l.get("role").asText().equals("anomaly"))
                .map(l -> l.get("sample_id").asText()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, anomalies);
        assertTrue(anomalies.size() > finalIds.size(), "some hard anomalies left the set or never entered it");
        assertEquals(expected.size(), pngs(out.resolve("images/anomaly")).size());
        for (String id : anomalies) {
            JsonNode line = lines.get(id);
            assertEquals(finalIds.contains(id), line.get("in_final_set").asBoolean(), line.toString());
            if (!finalIds.contains(id)) {
                int t = hardAt.get(id);
                assertEquals(t, line.get("iteration").asInt(), line.toString());
                assertEquals("hard", line.get("hardness").asText());
                assertEquals(t == 0 ? "baseline" : "E_" + (t - 1), line.get("judged_by").asText());
            }
        }
        // the folder layout takes the same anomalies
        Path folder = dir.resolve("folder");
        assertEquals(0, KkaCliTest.kka("export", run.toString(), "--format", "anomalib-folder", "--out",
                folder.toString(), "--all-iterations").code());
        assertEquals(expected, pngs(folder.resolve("abnormal")));
    }

    @Test
    void refusesAnIncompleteRunAndADirectoryThatIsNoRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        KkaCliTest.Run r = KkaCliTest.kka("export", stopped.toString(), "--format", "manifest", "--out",
                out.toString());
        assertEquals(2, r.code());
        assertEquals("kka: error: run " + stopped + " is not complete: its final iteration 2 (run.iterations) is"
                + " not committed (last committed: 1); finish it with `kka run CONFIG --resume` before exporting\n",
                r.err());
        assertFalse(Files.exists(out));

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "not a run");
        KkaCliTest.Run f = KkaCliTest.kka("export", foreign.toString(), "--format", "manifest", "--out",
                out.toString());
        assertEquals(2, f.code());
        assertEquals("kka: error: " + foreign + " is not a KKA run directory (it has no config.yaml, which"
                + " `kka run` writes first)\n", f.err());
        KkaCliTest.Run missing = KkaCliTest.kka("export", dir.resolve("nope").toString(), "--format", "manifest",
                "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(Files.exists(out));

        KkaCliTest.Run format = KkaCliTest.kka("export", run.toString(), "--format", "parquet", "--out",
                out.toString());
        assertEquals(2, format.code());
        assertTrue(format.err().contains("export format must be one of anomalib-folder, manifest, found parquet"),
                format.err());
    }

    @Test
    void refusesAnExistingOutWithoutOverwriteAndAnOutInsideTheRun(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        assertEquals(0, KkaCliTest.kka("export", run.toString(), "--format", "manifest", "--out", out.toString())
                .code(), "an existing empty directory is filled");
        KkaCliTest.Run again = KkaCliTest.kka("export", run.toString(), "--format", "anomalib-folder", "--out",
                out.toString());
        assertEquals(2, again.code());
        assertEquals("kka: error: " + out + " already exists and is not empty (use --overwrite to replace it)\n",
                again.err());
        assertTrue(Files.exists(out.resolve("manifest.jsonl")), "left as it was");

        KkaCliTest.Run replaced = KkaCliTest.kka("export", run.toString(), "--format", "anomalib-folder", "--out",
                out.toString(), "--overwrite");
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(Set.of("_SUCCESS", "abnormal", "normal"), names(out));

        KkaCliTest.Run inside = KkaCliTest.kka("export", run.toString(), "--format", "manifest", "--out",
                run.resolve("export").toString(), "--overwrite");
        assertEquals(2, inside.code());
        assertTrue(inside.err().contains("must lie outside the run directory"), inside.err());
        assertFalse(Files.exists(run.resolve("export")));
    }

    /** @return the manifest lines by sample id, each valid against its schema and naming a PNG that decodes */
    private static Map<String, JsonNode> manifest(Path out) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        boolean anomalies = false;
        for (String text : Files.readAllLines(out.resolve("manifest.jsonl"))) {
            JsonNode line = JSON.readTree(text);
            anomalies |= line.get("role").asText().equals("anomaly");
            assertEquals(anomalies, line.get("role").asText().equals("anomaly"), "normals first: " + text);
            assertEquals(List.of(), SchemaValidation.errors("anomaly-manifest.schema.json", line), text);
            BufferedImage img = ImageCodec.decode(Files.readAllBytes(out.resolve(line.get("path").asText())), text);
            assertEquals(28, img.getWidth());
            assertNull(byId.put(line.get("sample_id").asText(), line), "one line per sample id: " + text);
        }
        return byId;
    }

    /** @return the sample ids of a directory's PNG files, each checked to decode as PNG */
    private static Set<String> pngs(Path dir) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertTrue(name.endsWith(".png"), name);
                byte[] bytes = Files.readAllBytes(f);
                assertEquals((byte) 0x89, bytes[0]);
                assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
                ImageCodec.decode(bytes, name);
                ids.add(name.substring(0, name.length() - ".png".length()));
            }
        }
        return ids;
    }

    private static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Dataset<Row> trainNormals() {
        return spark.read().parquet(run.resolve("samples").toString())
                .where(col("role").equalTo("normal").and(col("split").equalTo("train")));
    }

    private Dataset<Row> finalSet() {
        return spark.read().parquet(run.resolve(String.format("iterations/%03d/anomaly_set", ITERATIONS)).toString());
    }

    /** @return the sample ids of a small table (as file names: hex ids are their own safe names) */
    private static Set<String> ids(Dataset<Row> df) {
        return df.select("sample_id").collectAsList().stream().map(r -> FileNames.safe(r.getString(0)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Row> byId(Dataset<Row> df) {
        return df.collectAsList().stream().collect(Collectors.toMap(r -> r.<String>getAs("sample_id"), r -> r));
    }
}
