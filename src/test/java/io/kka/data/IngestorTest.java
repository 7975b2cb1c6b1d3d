package io.kka.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.DataConfig;
import io.kka.config.TaskConfig;
import io.kka.testing.Fixtures;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Ingestor} on Fashion-MNIST-format fixtures. */
class IngestorTest {
    private static Path fmnist;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void fixture(@TempDir Path dir) throws Exception {
        fmnist = Fixtures.fashionMnist(dir.resolve("fmnist"), 20, 7);
    }

    private static DataConfig data(Path dir, DataConfig.BadRecordPolicy policy) {
        DataConfig d = DataConfig.defaults();
        return new DataConfig(d.dataset(), dir.toString(), null, 28, 1, true, true, d.captions(), d.classLevel(),
                policy, 0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    private static TaskConfig task(String... normal) {
        return new TaskConfig(List.of(normal), 0.25, 0.2, 0, 0);
    }

    @Test
    void writesLabelledSplitTableThatMatchesItsSchema(@TempDir Path out) throws Exception {
        String target = out.resolve("samples").toString();
        Ingestor.Result r = Ingestor.of(data(fmnist, DataConfig.BadRecordPolicy.FAIL), task("Trouser"), 42)
                .ingest(spark, target, false);
        long trainN = r.counts().get("normal/train");
        long valN = r.counts().get("normal/val");
        assertEquals(20, trainN + valN);
        assertTrue(valN >= 1 && valN <= 12, "val normals " + valN);
        assertEquals(180, r.counts().get("auxiliary/train"));
        assertEquals(200, r.counts().get("test/test"));

        Dataset<Row> df = spark.read().parquet(target);
        assertEquals(SampleSchema.SCHEMA.fieldNames().length, df.columns().length);
        assertEquals(20, df.filter(col("role").equalTo("test").and(col("label").equalTo(0))).count());
        assertEquals(0, df.filter(col("role").equalTo("normal").and(col("class_name").notEqual("Trouser"))).count());
        assertEquals(0, df.filter(col("split").equalTo("val").and(col("role").notEqual("normal"))).count());
        assertEquals(df.count(), df.select("sample_id").distinct().count());
        assertEquals(List.of(), SchemaValidation.rowErrors("samples.schema.json", df, 50));
        assertFalse(Files.list(out).anyMatch(p -> p.getFileName().toString().startsWith("_tmp")));
    }

    @Test
    void splitsAreSeededAndIndependentOfPartitioning(@TempDir Path out) {
        Ingestor a = Ingestor.of(data(fmnist, DataConfig.BadRecordPolicy.FAIL), task("Trouser"), 42);
        List<Row> v1 = a.normalized(spark).filter(col("split").equalTo("val")).select("sample_id").orderBy("sample_id")
                .collectAsList();
        DataConfig repartitioned = new DataConfig(DataConfig.DatasetKind.FASHION_MNIST, fmnist.toString(), null, 28,
                1, true, true, DataConfig.CaptionPolicy.OPTIONAL, DataConfig.ClassLevel.FINE,
                DataConfig.BadRecordPolicy.FAIL, 7, DataConfig.defaults().extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
        List<Row> v2 = Ingestor.of(repartitioned, task("Trouser"), 42).normalized(spark)
                .filter(col("split").equalTo("val")).select("sample_id").orderBy("sample_id").collectAsList();
        assertEquals(v1, v2);
        List<Row> v3 = Ingestor.of(data(fmnist, DataConfig.BadRecordPolicy.FAIL), task("Trouser"), 43)
                .normalized(spark).filter(col("split").equalTo("val")).select("sample_id").orderBy("sample_id")
                .collectAsList();
        assertNotEquals(v1, v3);
    }

    @Test
    void subsamplingKeepsSeededCaps(@TempDir Path out) {
        TaskConfig capped = new TaskConfig(List.of("Bag"), 0.1, 0.2, 5, 3);
        Dataset<Row> df = Ingestor.of(data(fmnist, DataConfig.BadRecordPolicy.FAIL), capped, 1).normalized(spark);
        assertTrue(df.filter(col("role").equalTo("normal").and(col("split").equalTo("train"))).count() <= 5);
        assertEquals(30, df.filter(col("role").equalTo("test")).count());
    }

    private static Path withBadLabel(Path dir) throws Exception {
        Fixtures.fashionMnist(dir, 2, 3);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream lb = new DataOutputStream(b);
        lb.writeInt(0x801);
        lb.writeInt(20);
        for (int i = 0; i < 20; i++) {
            lb.writeByte(i == 5 ? 12 : i % 10);
        }
        Fixtures.gzip(dir.resolve("train-labels-idx1-ubyte.gz"), b.toByteArray());
        return dir;
    }

    @Test
    void badRecordFailsAndWritesNothing(@TempDir Path out) throws Exception {
        Path dir = withBadLabel(out.resolve("bad"));
        String target = out.resolve("samples").toString();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Ingestor.of(
                data(dir, DataConfig.BadRecordPolicy.FAIL), task("Trouser"), 1).ingest(spark, target, false));
        assertTrue(e.getMessage().startsWith("bad record: fashion-mnist:train-images-idx3-ubyte.gz#5: label 12 out"
                + " of range 0..9"), e.getMessage());
        assertTrue(Files.notExists(Path.of(target)));
        assertTrue(Files.list(out).noneMatch(p -> p.getFileName().toString().startsWith("_tmp")));
    }

    @Test
    void badRecordSkipWritesRejectedWithReasons(@TempDir Path out) throws Exception {
        Path dir = withBadLabel(out.resolve("bad"));
        String target = out.resolve("samples").toString();
        Ingestor.Result r = Ingestor.of(data(dir, DataConfig.BadRecordPolicy.SKIP), task("Trouser"), 1)
                .ingest(spark, target, false);
        assertEquals(1, r.rejected());
        List<Row> rejected = spark.read().parquet(target + "_rejected").collectAsList();
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).getString(2).contains("label 12 out of range"));
        assertEquals(39, spark.read().parquet(target).count());
    }

    @Test
    void unknownClassGetsDidYouMean() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Ingestor.of(data(fmnist, DataConfig.BadRecordPolicy.FAIL), task("Trousr"), 1).normalized(spark));
        assertEquals("task.normal_classes: unknown class 'Trousr' (did you mean 'trouser'?)", e.getMessage());
    }

    @Test
    void classIndexSelectsClass() {
        assertEquals(java.util.Set.of("Sandal"), TaskLabels.resolve(List.of("5"),
                io.kka.data.readers.FashionMnistReader.CLASSES));
    }

    @Test
    void emptyNormalSetIsAnError(@TempDir Path out) throws Exception {
        Path dir = out.resolve("no-bags");
        Fixtures.fashionMnist(dir, 2, 3);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream lb = new DataOutputStream(b);
        lb.writeInt(0x801);
        lb.writeInt(20);
        for (int i = 0; i < 20; i++) {
            lb.writeByte(i % 8);
        }
        Fixtures.gzip(dir.resolve("train-labels-idx1-ubyte.gz"), b.toByteArray());
        String target = out.resolve("samples").toString();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Ingestor.of(
                data(dir, DataConfig.BadRecordPolicy.FAIL), task("Bag"), 1).ingest(spark, target, false));
        assertTrue(e.getMessage().startsWith("task.normal_classes [Bag] matched no usable training images"),
                e.getMessage());
        assertTrue(Files.notExists(Path.of(target)));
    }

    @Test
    void existingOutputIsNotReplacedWithoutOverwrite(@TempDir Path out) throws Exception {
        Path target = out.resolve("samples");
        Files.createDirectories(target);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Ingestor.of(
                data(fmnist, DataConfig.BadRecordPolicy.FAIL), task("Bag"), 1).ingest(spark, target.toString(), false));
        assertEquals(target + " already exists (use --overwrite to replace it)", e.getMessage());
        new Random(0);
    }
}
