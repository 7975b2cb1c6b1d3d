package io.kka.data.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kka.config.DataConfig;
import io.kka.config.TaskConfig;
import io.kka.data.ImageCodec;
import io.kka.data.Ingestor;
import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link UcmCaptionsReader} on a fixture in the UCM-Captions layout (TIFF images, dataset.json). */
class UcmCaptionsReaderTest {
    private static final int[] NUMBERS = {1, 100, 101, 2100, 777};
    private static final String[] SPLIT = {"train", "val", "test", "train", "train"};
    private final SparkSession spark = SparkTestSession.get();

    private static DataConfig cfg(Path root, DataConfig.BadRecordPolicy policy) {
        DataConfig d = DatasetFixtures.config(DataConfig.DatasetKind.UCM_CAPTIONS, root);
        return new DataConfig(d.dataset(), d.path(), null, 32, 3, false, false, DataConfig.CaptionPolicy.REQUIRED,
                d.classLevel(), policy, 0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    @Test
    void classFromImageNumberAndCaptionsFromSentences(@TempDir Path root) throws Exception {
        DatasetFixtures.ucm(root, NUMBERS, SPLIT);
        Map<String, Row> rows = new TreeMap<>();
        new UcmCaptionsReader(cfg(root, DataConfig.BadRecordPolicy.FAIL)).read(spark).collectAsList()
                .forEach(r -> rows.put(r.getString(0), r));
        assertEquals(5, rows.size());
        assertEquals("agricultural", rows.get("ucm-captions:1.tif").getString(1));
        assertEquals("agricultural", rows.get("ucm-captions:100.tif").getString(1));
        assertEquals("airplane", rows.get("ucm-captions:101.tif").getString(1));
        assertEquals("tenniscourt", rows.get("ucm-captions:2100.tif").getString(1));
        assertEquals("forest", rows.get("ucm-captions:777.tif").getString(1));
        assertEquals(List.of("scene 101 sentence 0 .", "scene 101 sentence 1 ."),
                rows.get("ucm-captions:101.tif").getList(2));
        assertEquals("test", rows.get("ucm-captions:101.tif").getString(3));
        BufferedImage tif = ImageCodec.decode((byte[]) rows.get("ucm-captions:1.tif").get(4), "1.tif");
        assertEquals(32, tif.getWidth());
        assertEquals(3, ImageCodec.channels(tif));
        assertEquals(21, UcmCaptionsReader.CLASSES.size());
    }

    @Test
    void badEntriesAreSkippedWithReasons(@TempDir Path root) throws Exception {
        DatasetFixtures.ucm(root, NUMBERS, SPLIT);
        String json = Files.readString(root.resolve("dataset.json"))
                .replace("\"filename\": \"777.tif\"", "\"filename\": \"seven.tif\"");
        Files.writeString(root.resolve("dataset.json"), json);
        Files.delete(root.resolve("imgs/100.tif"));
        String out = root.resolve("samples").toString();
        Ingestor.Result r = Ingestor.of(cfg(root, DataConfig.BadRecordPolicy.SKIP),
                new TaskConfig(List.of("agricultural"), 0.2, 0.2, 0, 0), 5).ingest(spark, out, false);
        assertEquals(2, r.rejected());
        List<String> reasons = spark.read().parquet(out + "_rejected").orderBy("source").collectAsList().stream()
                .map(x -> x.getString(2)).toList();
        assertEquals(List.of("ucm-captions:100.tif: image file does not exist (" + root.resolve("imgs/100.tif") + ")",
                "ucm-captions:seven.tif: dataset.json: filename 'seven.tif' is not <n>.tif"), reasons);
        assertEquals(3, spark.read().parquet(out).count());
        Files.delete(root.resolve("dataset.json"));
        assertEquals(root.resolve("dataset.json") + " does not exist (the UCM-Captions annotations)",
                assertThrows(InvalidInputException.class, () -> new UcmCaptionsReader(
                        cfg(root, DataConfig.BadRecordPolicy.FAIL)).read(spark)).getMessage());
    }
}
