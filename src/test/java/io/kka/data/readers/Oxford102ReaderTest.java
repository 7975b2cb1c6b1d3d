package io.kka.data.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.DataConfig;
import io.kka.config.TaskConfig;
import io.kka.data.Ingestor;
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

/** Tests for {@link Oxford102Reader} on fixtures in the published layout (MAT v5 files, jpg/, text_c10/). */
class Oxford102ReaderTest {
    private static final int[] LABELS = {1, 1, 2, 2, 102, 1, 2};
    private static final String[] SPLIT = {"train", "val", "test", "train", "test", "val", "train"};
    private final SparkSession spark = SparkTestSession.get();

    private static DataConfig cfg(Path root, DataConfig.BadRecordPolicy policy) {
        DataConfig d = DatasetFixtures.config(DataConfig.DatasetKind.OXFORD102, root);
        return new DataConfig(d.dataset(), d.path(), null, 28, 3, true, true, d.captions(), d.classLevel(), policy,
                0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    private Map<String, Row> read(Path root) {
        Map<String, Row> out = new TreeMap<>();
        new Oxford102Reader(cfg(root, DataConfig.BadRecordPolicy.FAIL)).read(spark).collectAsList()
                .forEach(r -> out.put(r.getString(0), r));
        return out;
    }

    @Test
    void readsLabelsSplitsAndTenCaptionsPerImage(@TempDir Path root) throws Exception {
        DatasetFixtures.oxford102(root, LABELS, SPLIT, true);
        Files.delete(root.resolve("text_c10/class_00102/image_00005.txt"));
        Files.delete(root.resolve("jpg/image_00006.jpg"));
        Map<String, Row> rows = read(root);
        assertEquals(7, rows.size());
        Row one = rows.get("oxford-102:image_00001.jpg");
        assertEquals("class_00001", one.getString(1));
        assertEquals("train", one.getString(3));
        assertEquals(10, one.getList(2).size());
        assertEquals("flower 1 of class 1, caption 1", one.getList(2).get(0));
        assertEquals("val", rows.get("oxford-102:image_00002.jpg").getString(3));
        Row five = rows.get("oxford-102:image_00005.jpg");
        assertEquals("class_00102", five.getString(1));
        assertEquals("test", five.getString(3));
        assertNull(five.get(2));
        assertEquals("image file does not exist (" + root.resolve("jpg/image_00006.jpg") + ")",
                rows.get("oxford-102:image_00006.jpg").getString(5));
        assertEquals(102, new Oxford102Reader(cfg(root, DataConfig.BadRecordPolicy.FAIL)).classNames(spark).size());
    }

    @Test
    void uncompressedMatFilesAndSkippedBadLabel(@TempDir Path root) throws Exception {
        int[] labels = LABELS.clone();
        labels[0] = 0;
        DatasetFixtures.oxford102(root, labels, SPLIT, false);
        String out = root.resolve("samples").toString();
        Ingestor.Result r = Ingestor.of(cfg(root, DataConfig.BadRecordPolicy.SKIP),
                new TaskConfig(List.of("class_00002"), 0.01, 0.2, 0, 0), 3).ingest(spark, out, false);
        assertEquals(1, r.rejected());
        assertEquals("oxford-102:image_00001.jpg: imagelabels.mat: label 0 is out of range 1..102",
                spark.read().parquet(out + "_rejected").first().getString(2));
        assertEquals(6, spark.read().parquet(out).count());
        assertEquals(2, spark.read().parquet(out).filter("split = 'test'").count());
        assertEquals(10, spark.read().parquet(out).first().getList(6).size());
    }

    @Test
    void badMetadataIsNamed(@TempDir Path root) throws Exception {
        DatasetFixtures.oxford102(root, LABELS, SPLIT, true);
        new MatV5Writer().put("trnid", new double[] {1, 9}, MatV5Writer.Storage.UINT16)
                .put("valid", new double[] {2}, MatV5Writer.Storage.UINT16)
                .put("tstid", new double[] {3}, MatV5Writer.Storage.UINT16).write(root.resolve("setid.mat"));
        assertEquals(root.resolve("setid.mat") + ": trnid names image 9, but imagelabels.mat labels images 1..7",
                assertThrows(InvalidInputException.class, () -> read(root)).getMessage());
        new MatV5Writer().put("lab", new double[] {1}, MatV5Writer.Storage.UINT8).write(root.resolve(
                "imagelabels.mat"));
        assertEquals(root.resolve("imagelabels.mat") + ": has no numeric variable 'labels' (found: lab)",
                assertThrows(InvalidInputException.class, () -> read(root)).getMessage());
        Files.write(root.resolve("imagelabels.mat"), "not a mat file".getBytes());
        assertTrue(assertThrows(InvalidInputException.class, () -> read(root)).getMessage()
                .endsWith("imagelabels.mat: not a MAT file (14 bytes, shorter than the 128-byte header)"));
        assertTrue(assertThrows(InvalidInputException.class, () -> read(root.resolve("nope"))).getMessage()
                .startsWith("data.path " + root.resolve("nope") + " does not exist"));
    }
}
