package io.kka.data.readers;

import static io.kka.data.readers.DatasetFixtures.encode;
import static io.kka.data.readers.DatasetFixtures.image;
import static io.kka.data.readers.DatasetFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.DataConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FolderReader} on folder trees written by the tests. */
class FolderReaderTest {
    private final SparkSession spark = SparkTestSession.get();

    static String uri(Path p) {
        return "file:" + p.toAbsolutePath();
    }

    private static DataConfig cfg(Path root, String captions) {
        DataConfig d = DatasetFixtures.config(DataConfig.DatasetKind.FOLDER, root);
        return new DataConfig(d.dataset(), d.path(), captions, 28, 1, true, true, d.captions(), d.classLevel(),
                d.onBadRecord(), 0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    /** @return rows by source */
    private Map<String, Row> read(DataConfig cfg) {
        Map<String, Row> out = new TreeMap<>();
        new FolderReader(cfg).read(spark).collectAsList().forEach(r -> out.put(r.getString(0), r));
        return out;
    }

    @Test
    void readsClassFoldersWithJsonlCaptions(@TempDir Path root) throws Exception {
        write(root.resolve("cat/a.png"), encode(image(28, 28, 1, 1), "png"));
        write(root.resolve("cat/B.PNG"), encode(image(28, 28, 1, 2), "png"));
        write(root.resolve("cat/.hidden.png"), encode(image(28, 28, 1, 3), "png"));
        write(root.resolve("dog/c.jpg"), encode(image(30, 30, 3, 4), "jpg"));
        write(root.resolve("dog/deeper/d.png"), encode(image(28, 28, 1, 5), "png"));
        write(root.resolve("dog/with space.png"), encode(image(28, 28, 1, 6), "png"));
        write(root.resolve("dog/notes.txt"), "not an image, and ignored for its extension");
        write(root.resolve(".cache/x.png"), encode(image(28, 28, 1, 7), "png"));
        write(root.resolve("stray.png"), encode(image(28, 28, 1, 8), "png"));
        write(root.resolve("captions.jsonl"), String.join("\n",
                "{\"file\": \"cat/a.png\", \"caption\": \"a grey cat\"}",
                "",
                "{\"file\": \"./cat/a.png\", \"captions\": [\"second\", \"third\", \"\"]}",
                "{\"file\": \"dog/with space.png\", \"caption\": \"spaced\"}",
                "{\"file\": \"dog/gone.png\", \"caption\": \"x\"}",
                "{not json",
                "{\"caption\": \"no file\"}"));
        DataConfig cfg = cfg(root, "captions.jsonl");
        assertEquals(List.of("cat", "dog"), new FolderReader(cfg).classNames(spark));
        Map<String, Row> rows = read(cfg);
        assertEquals(9, rows.size(), rows.keySet().toString());
        Row a = rows.get(uri(root.resolve("cat/a.png")));
        assertEquals("cat", a.getString(1));
        assertEquals(List.of("a grey cat", "second", "third"), a.getList(2));
        assertNull(a.getString(3));
        assertNull(a.get(5));
        assertEquals("cat", rows.get(uri(root.resolve("cat/B.PNG"))).getString(1));
        assertEquals("dog", rows.get(uri(root.resolve("dog/deeper/d.png"))).getString(1));
        assertEquals(List.of("spaced"), rows.get(uri(root.resolve("dog/with space.png"))).getList(2));
        assertNull(rows.get(uri(root.resolve("dog/c.jpg"))).get(2));
        assertEquals("not inside a class folder (expected " + uri(root) + "/<class>/<file>)",
                rows.get(uri(root.resolve("stray.png"))).getString(5));
        assertEquals("file dog/gone.png is not among the images under data.path (missing, hidden, or its extension"
                + " is not in data.extensions)", rows.get("captions.jsonl line 5 (dog/gone.png)").getString(5));
        assertEquals("not valid JSON (Unexpected character ('n' (code 110)): was expecting double-quote to start"
                + " field name)", rows.get("captions.jsonl line 6").getString(5));
        assertEquals("file is empty", rows.get("captions.jsonl line 7").getString(5));
    }

    @Test
    void takesSplitsFromTrainTestFoldersAndCsvCaptions(@TempDir Path root) throws Exception {
        write(root.resolve("train/cat/1.png"), encode(image(28, 28, 1, 1), "png"));
        write(root.resolve("train/dog/2.bmp"), encode(image(28, 28, 3, 2), "bmp"));
        write(root.resolve("test/cat/3.png"), encode(image(28, 28, 1, 3), "png"));
        write(root.resolve("test/bird/4.png"), encode(image(28, 28, 1, 4), "png"));
        Path caps = write(root.getParent().resolve(root.getFileName() + "-captions.csv"),
                "file,caption\ntrain/cat/1.png,\"hello, world\"\n" + uri(root) + "/test/cat/3.png,absolute\n");
        DataConfig cfg = cfg(root, caps.toString());
        assertEquals(List.of("bird", "cat", "dog"), new FolderReader(cfg).classNames(spark));
        Map<String, Row> rows = read(cfg);
        assertEquals(4, rows.size());
        Row one = rows.get(uri(root.resolve("train/cat/1.png")));
        assertEquals("train", one.getString(3));
        assertEquals(List.of("hello, world"), one.getList(2));
        assertEquals(List.of("absolute"), rows.get(uri(root.resolve("test/cat/3.png"))).getList(2));
        assertEquals("test", rows.get(uri(root.resolve("test/bird/4.png"))).getString(3));
        assertEquals("dog", rows.get(uri(root.resolve("train/dog/2.bmp"))).getString(1));
    }

    @Test
    void badLayoutsAreNamed(@TempDir Path dir) throws Exception {
        Path mixed = dir.resolve("mixed");
        write(mixed.resolve("train/cat/1.png"), encode(image(28, 28, 1, 1), "png"));
        write(mixed.resolve("cat/1.png"), encode(image(28, 28, 1, 1), "png"));
        assertEquals("data.path " + mixed + " mixes split folders [train] with class folders [cat] (use <class>/ or"
                + " train|val|test/<class>/, not both)", assertThrows(InvalidInputException.class,
                () -> new FolderReader(cfg(mixed, null)).read(spark)).getMessage());
        Path flat = dir.resolve("flat");
        write(flat.resolve("x.png"), encode(image(28, 28, 1, 1), "png"));
        assertEquals("data.path " + flat + " holds no class folders (expected " + flat + "/<class>/<image> or "
                + flat + "/train/<class>/<image>)", assertThrows(InvalidInputException.class,
                () -> new FolderReader(cfg(flat, null)).classNames(spark)).getMessage());
        Path nope = dir.resolve("nope");
        assertEquals("data.path " + nope + " does not exist (expected " + nope + "/<class>/<image> or " + nope
                + "/train/<class>/<image>)", assertThrows(InvalidInputException.class,
                () -> new FolderReader(cfg(nope, null)).read(spark)).getMessage());
        Files.createDirectories(flat.resolve("cls"));
        assertEquals("data.captions_file " + flat + "/caps.jsonl does not exist", assertThrows(
                InvalidInputException.class, () -> new FolderReader(cfg(flat, "caps.jsonl")).read(spark))
                .getMessage());
        write(flat.resolve("caps.txt"), "x");
        assertEquals("data.captions_file " + flat + "/caps.txt: must end in .jsonl, .json, .ndjson or .csv",
                assertThrows(InvalidInputException.class, () -> new FolderReader(cfg(flat, "caps.txt")).read(spark))
                        .getMessage());
    }

    @Test
    void extensionsMatchInAnyCase() {
        org.junit.jupiter.api.Assertions.assertTrue(FolderFiles.accepts("x.Png", List.of("png", ".JPG")));
        org.junit.jupiter.api.Assertions.assertTrue(FolderFiles.accepts("x.jpg", List.of("png", ".JPG")));
        org.junit.jupiter.api.Assertions.assertFalse(FolderFiles.accepts("x.png.txt", List.of("png")));
        org.junit.jupiter.api.Assertions.assertFalse(FolderFiles.accepts(".x.png", List.of("png")));
    }

    @Test
    void aClassFolderIsListedLazilyAndHiddenPartsAreSkipped() throws Exception {
        String prefix = "file:/data/cls/";
        long[] taken = {0};
        long size = 10_000_000L; // a listing this long could not be held at once
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.FileStatus> files = new org.apache.hadoop.fs
                .RemoteIterator<>() {
            @Override
            public boolean hasNext() {
                return taken[0] < size;
            }

            @Override
            public org.apache.hadoop.fs.FileStatus next() {
                long i = taken[0]++;
                String name = i == 0 ? "_tmp/a.png" : i == 1 ? "sub/.b.png" : i == 2 ? "c.txt" : "d/" + i + ".PNG";
                return new org.apache.hadoop.fs.FileStatus(1, false, 1, 1, 0,
                        new org.apache.hadoop.fs.Path(prefix + name));
            }
        };
        java.util.Iterator<String> it = FolderFiles.visible(files, prefix, List.of("png"));
        assertEquals(prefix + "d/3.PNG", it.next());
        assertEquals(prefix + "d/4.PNG", it.next());
        assertEquals(5, taken[0], "only what was consumed is taken from the listing");
    }

    @Test
    void theLocalListingNamesWhatHadoopsListingNamesWithoutForking(@TempDir Path dir) throws Exception {
        Path cls = dir.resolve("cls");
        write(cls.resolve("a.png"), "x");
        write(cls.resolve("with space/b c.png"), "x");
        write(cls.resolve("deep/er/d.png"), "x");
        write(cls.resolve(".hidden/e.png"), "x");
        write(cls.resolve("f.txt"), "x");
        Files.createDirectories(dir.resolve("elsewhere"));
        write(dir.resolve("elsewhere/g.png"), "x");
        Files.createSymbolicLink(cls.resolve("linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(cls.resolve("deep/loop"), cls.resolve("deep"));
        var conf = new org.apache.hadoop.conf.Configuration();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path("file:" + cls);
        java.util.TreeSet<String> mine = new java.util.TreeSet<>();
        FolderFiles.list(root.toString(), List.of("png"), conf).forEachRemaining(mine::add);
        java.util.TreeSet<String> expected = new java.util.TreeSet<>();
        for (String rel : List.of("a.png", "with space/b c.png", "deep/er/d.png", "linked/g.png")) {
            expected.add(new org.apache.hadoop.fs.Path(root, rel).toString());
        }
        assertEquals(expected, mine, "a symbolic link is followed, a link loop is not entered again");
        // Hadoop's own recursive listing (which fails on a link loop) names each file with the same string: sample
        // ids hash it
        Files.delete(cls.resolve("deep/loop"));
        java.util.TreeSet<String> hadoop = new java.util.TreeSet<>();
        var it = org.apache.hadoop.fs.FileSystem.getLocal(conf).listFiles(root, true);
        while (it.hasNext()) {
            String p = it.next().getPath().toString();
            if (p.endsWith(".png") && !p.contains("/.hidden/")) {
                hadoop.add(p);
            }
        }
        assertEquals(expected, hadoop);
    }
}
