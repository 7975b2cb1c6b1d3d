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
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Cifar100Reader} on a fixture in the CIFAR-100 binary layout. */
class Cifar100ReaderTest {
    private final SparkSession spark = SparkTestSession.get();

    private static DataConfig cfg(Path path, DataConfig.ClassLevel level, DataConfig.BadRecordPolicy policy) {
        DataConfig d = DatasetFixtures.config(DataConfig.DatasetKind.CIFAR100, path);
        return new DataConfig(d.dataset(), d.path(), null, 32, 3, true, true, d.captions(), level, policy, 0,
                d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    @Test
    void decodesPlanarRecordsWithFineAndCoarseClasses(@TempDir Path root) throws Exception {
        Path dir = DatasetFixtures.cifar100(root, 4);
        Cifar100Reader fine = new Cifar100Reader(cfg(root, DataConfig.ClassLevel.FINE,
                DataConfig.BadRecordPolicy.FAIL));
        assertEquals(DatasetFixtures.CIFAR_FINE, fine.classNames(spark));
        List<Row> rows = fine.read(spark).orderBy("source").collectAsList();
        assertEquals(20 + 15, rows.size());
        Row r1 = rows.stream().filter(r -> r.getString(0).equals("cifar-100:train.bin#1")).findFirst().orElseThrow();
        assertEquals("aquarium_fish", r1.getString(1));
        assertEquals(List.of("a photo of a aquarium fish"), r1.getList(2));
        assertEquals("train", r1.getString(3));
        byte[] bin = Files.readAllBytes(dir.resolve("train.bin"));
        BufferedImage img = ImageCodec.decode((byte[]) r1.get(4), "r1");
        int base = Cifar100Reader.RECORD + 2;
        for (int px : new int[] {0, 1, 32, 1023}) {
            int rgb = img.getRGB(px % 32, px / 32);
            assertEquals(bin[base + px] & 0xff, (rgb >> 16) & 0xff, "red of pixel " + px);
            assertEquals(bin[base + 1024 + px] & 0xff, (rgb >> 8) & 0xff, "green of pixel " + px);
            assertEquals(bin[base + 2048 + px] & 0xff, rgb & 0xff, "blue of pixel " + px);
        }
        Cifar100Reader coarse = new Cifar100Reader(cfg(dir, DataConfig.ClassLevel.COARSE,
                DataConfig.BadRecordPolicy.FAIL));
        assertEquals(DatasetFixtures.CIFAR_COARSE, coarse.classNames(spark));
        Row c1 = coarse.read(spark).filter("source = 'cifar-100:test.bin#2'").first();
        assertEquals("people", c1.getString(1));
        assertEquals(List.of("a photo of a baby"), c1.getList(2));
        assertEquals("test", c1.getString(3));
    }

    @Test
    void wrongSizeIsAnErrorAndBadLabelIsSkipped(@TempDir Path root) throws Exception {
        Path dir = DatasetFixtures.cifar100(root, 4);
        byte[] bin = Files.readAllBytes(dir.resolve("train.bin"));
        bin[3 * Cifar100Reader.RECORD + 1] = (byte) 100;
        Files.write(dir.resolve("train.bin"), bin);
        DataConfig cfg = cfg(root, DataConfig.ClassLevel.COARSE, DataConfig.BadRecordPolicy.SKIP);
        String out = root.resolve("samples").toString();
        Ingestor.Result r = Ingestor.of(cfg, new TaskConfig(List.of("fish"), 0.25, 0.2, 0, 0), 7)
                .ingest(spark, out, false);
        assertEquals(1, r.rejected());
        assertEquals(34, spark.read().parquet(out).count());
        Row rejected = spark.read().parquet(out + "_rejected").first();
        assertEquals("cifar-100:train.bin#3: label out of range (coarse 8 of 0..19, fine 100 of 0..99)",
                rejected.getString(2));
        Files.write(dir.resolve("test.bin"), Arrays.copyOf(bin, Cifar100Reader.RECORD + 10));
        assertEquals(dir.resolve("test.bin") + ": size 3084 is not a positive multiple of 3074 bytes (1 coarse label"
                + " + 1 fine label + 3072 pixel bytes per record)", assertThrows(InvalidInputException.class,
                () -> new Cifar100Reader(cfg).read(spark)).getMessage());
        assertEquals("data.path " + root.resolve("x") + " does not exist (expected the cifar-100-binary folder of"
                + " the CIFAR-100 binary version)", assertThrows(InvalidInputException.class,
                () -> new Cifar100Reader(cfg(root.resolve("x"), DataConfig.ClassLevel.FINE,
                        DataConfig.BadRecordPolicy.FAIL)).classNames(spark)).getMessage());
    }
}
