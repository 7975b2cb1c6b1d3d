package io.kka.generate.embedded;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.ConfigException;
import io.kka.config.DataConfig;
import io.kka.config.EmbeddedImageConfig;
import io.kka.config.ImageGenConfig;
import io.kka.config.TaskConfig;
import io.kka.data.ImageCodec;
import io.kka.data.Ingestor;
import io.kka.data.SampleSchema;
import io.kka.generate.GenerationSchemas;
import io.kka.testing.Fixtures;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link EmbeddedImageRenderer} on a tiny Fashion-MNIST-format bank (T-shirt/top normal). */
class EmbeddedImageRendererTest {
    private static final String[] TEXTS = {"a dark leather bag with a strap", "a flat sandal with a buckle",
        "a wool scarf with fringed ends", "a wooden xylophone", "a plain t-shirt", "a grey wool coat with a belt",
        "a pair of light jeans"};
    private static Dataset<Row> samples;
    private static DataConfig data;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void bank(@TempDir Path dir) throws Exception {
        DataConfig d = DataConfig.defaults();
        data = new DataConfig(d.dataset(), Fixtures.fashionMnist(dir.resolve("fmnist"), 6, 3).toString(), null, 28,
                1, true, true, d.captions(), d.classLevel(), d.onBadRecord(), 0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
        samples = SampleSchema.conform(Ingestor.of(data, new TaskConfig(List.of("T-shirt/top"), 0.3, 0.2, 0, 0), 5)
                .normalized(SparkTestSession.get()).filter(col("reject_reason").isNull())).cache();
    }

    static ImageGenConfig images(int perDescription, List<String> exclude) {
        return io.kka.config.ConfigLoader.parse("", "test", List.of("images.images_per_description=" + perDescription))
                .images().withEmbedded(new EmbeddedImageConfig(exclude));
    }

    private Dataset<Row> descriptions(int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < TEXTS.length; i++) {
            rows.add(RowFactory.create("d" + i, "p0", 1, TEXTS[i], "lm", 40L + i, null, null));
        }
        rows.add(RowFactory.create("p9", "p9", 1, null, "lm", 9L, null,
                RowFactory.create("description", 500, "server error", 3)));
        return spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS).repartition(partitions);
    }

    private static Map<String, Row> byDescription(List<Row> rows) {
        return rows.stream().filter(r -> r.getAs("error") != null)
                .collect(Collectors.toMap(r -> r.<String>getAs("source").replaceAll(".*#", ""), r -> r));
    }

    @Test
    void rendersFromAuxiliaryRowsOnlyAndGivesErrorRowsForWhatItCannotDraw() throws Exception {
        Dataset<Row> out = EmbeddedImageRenderer.of(samples, data, images(2, List.of("Sandal")))
                .render(descriptions(2)).cache();
        assertEquals(SampleSchema.SCHEMA, out.schema());
        List<Row> rows = out.collectAsList();
        assertEquals(List.of(), SchemaValidation.rowErrors("samples.schema.json", out, 50));
        out.unpersist();
        Map<String, String> auxClass = samples.filter(col("role").equalTo("auxiliary")).select("sample_id",
                "class_name").collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
                        r -> r.getString(1)));
        List<Row> images = rows.stream().filter(r -> r.getAs("image") != null).toList();
        assertEquals(6, images.size(), "bag, coat and jeans, two images each");
        for (Row r : images) {
            String bankId = r.<String>getAs("source").replaceAll("^embedded-bank:|#.*$", "");
            assertEquals(auxClass.get(bankId), r.getAs("class_name"), "bank row must be auxiliary: " + r);
            assertEquals("embedded-bank", r.getAs("image_model"));
            assertEquals("generated", r.getAs("role"));
            assertEquals(1, r.<Integer>getAs("label"));
            BufferedImage img = ImageCodec.decode(r.getAs("image"), "out");
            assertEquals(28, img.getWidth());
            assertEquals(1, ImageCodec.channels(img));
            assertEquals(r.getAs("sample_id"), ImageCodec.sampleId(r.getAs("source"), ImageCodec.pixels(img)));
        }
        assertEquals(List.of("Bag", "Coat", "Trouser"), images.stream().map(r -> r.<String>getAs("class_name"))
                .distinct().sorted().toList());
        Map<String, Row> errors = byDescription(rows);
        assertEquals(5, errors.size());
        assertTrue(message(errors.get("d1")).contains("'sandal' is Sandal, excluded by"), message(errors.get("d1")));
        assertTrue(message(errors.get("d2")).startsWith(
                "no image in the embedded bank matches 'a wool scarf with fringed ends'"), message(errors.get("d2")));
        assertTrue(message(errors.get("d3")).contains("no item of the lexicon is named"), message(errors.get("d3")));
        assertTrue(message(errors.get("d4")).contains("holds no T-shirt/top images"), message(errors.get("d4")));
        assertEquals("description", errors.get("p9").<Row>getAs("error").getString(0));
        assertTrue(errors.values().stream().allMatch(r -> r.getAs("image") == null && r.getAs("class_name") == null));
    }

    private static String message(Row r) {
        return r.<Row>getAs("error").getString(2);
    }

    @Test
    void neverFallsBackToTestOrValidationImages() {
        Dataset<Row> noAuxBags = samples.filter(col("role").notEqual("auxiliary").or(col("class_name")
                .notEqual("Bag")));
        assertTrue(noAuxBags.filter(col("class_name").equalTo("Bag")).count() > 0, "test bags remain");
        List<Row> rows = EmbeddedImageRenderer.of(noAuxBags, data, images(1, List.of())).render(descriptions(1))
                .collectAsList();
        Row bag = byDescription(rows).get("d0");
        assertTrue(message(bag).contains("holds no Bag images"), message(bag));
    }

    @Test
    void isDeterministicAndPartitionIndependent() {
        EmbeddedImageRenderer r = EmbeddedImageRenderer.of(samples, data, images(2, List.of()));
        List<Row> a = sorted(r.render(descriptions(1)).collectAsList());
        List<Row> b = sorted(r.render(descriptions(3)).collectAsList());
        assertEquals(a.stream().map(EmbeddedImageRendererTest::key).toList(),
                b.stream().map(EmbeddedImageRendererTest::key).toList());
        assertEquals(a.size(), a.stream().map(x -> x.getString(0)).distinct().count(), "sample ids are unique");
        List<Row> sandal = a.stream().filter(x -> "Sandal".equals(x.getAs("class_name"))).toList();
        assertEquals(2, sandal.size(), "sandals are drawable when not excluded");
        assertNotEquals(sandal.get(0).<String>getAs("sample_id"), sandal.get(1).getAs("sample_id"));
    }

    private static List<Row> sorted(List<Row> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(x -> x.getString(0))).toList();
    }

    /** @return the row's values, PNG bytes as their content */
    private static List<Object> key(Row r) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            out.add(r.get(i) instanceof byte[] b ? java.util.Arrays.toString(b) : String.valueOf(r.get(i)));
        }
        return out;
    }

    @Test
    void whatTheDescriptionSaysChangesTheImageNotOnlyItsClass() throws Exception {
        // same description id and seed: the same bank draw and augmentation, so only the words differ
        String[] texts = {"a grey coat", "a dark grey coat", "a light grey coat", "a small grey coat",
            "a striped grey coat", "a grey coat with short sleeves", "a long grey coat"};
        List<Row> rows = new ArrayList<>();
        for (String t : texts) {
            rows.add(RowFactory.create("d0", "p0", 1, t, "lm", 40L, null, null));
        }
        Map<String, byte[]> px = new java.util.HashMap<>();
        for (Row r : EmbeddedImageRenderer.of(samples, data, images(1, List.of()))
                .render(spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS)).collectAsList()) {
            assertEquals("Coat", r.getAs("class_name"));
            px.put(r.getAs("caption"), ImageCodec.pixels(ImageCodec.decode(r.getAs("image"), "out")));
        }
        byte[] plain = px.get("a grey coat");
        for (String t : texts) {
            if (!t.equals("a grey coat")) {
                assertTrue(differing(plain, px.get(t)) > 20, t + " looks like the plain coat");
            }
        }
        assertTrue(mean(px.get("a dark grey coat")) < 0.6 * mean(plain));
        assertTrue(mean(px.get("a light grey coat")) > mean(plain));
        assertTrue(lit(px.get("a small grey coat")) < 0.75 * lit(plain));
        assertEquals(7, px.values().stream().map(java.util.Arrays::toString).distinct().count());
    }

    private static int differing(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > 8 ? 1 : 0;
        }
        return n;
    }

    private static int lit(byte[] px) {
        int n = 0;
        for (byte b : px) {
            n += (b & 0xff) > 16 ? 1 : 0;
        }
        return n;
    }

    private static double mean(byte[] px) {
        long s = 0;
        for (byte b : px) {
            s += b & 0xff;
        }
        return (double) s / px.length;
    }

    @Test
    void rejectsExcludedClassesTheLexiconDoesNotKnow() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> EmbeddedImageRenderer.of(samples, data, images(1, List.of("Sandel"))));
        assertTrue(e.getMessage().startsWith("images.embedded.exclude_classes must name classes of the lexicon"),
                e.getMessage());
    }
}
