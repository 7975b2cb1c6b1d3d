package io.kka.detect.simplenet;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.ConfigException;
import io.kka.config.EvaluatorConfig;
import io.kka.config.SimpleNetConfig;
import io.kka.data.ImageCodec;
import io.kka.detect.AnomalyMetrics;
import io.kka.detect.DeepSadModel;
import io.kka.detect.Detector;
import io.kka.detect.Detectors;
import io.kka.store.Fs;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SimpleNet on the pretrained encoder: backprop, separation, SimpleNet+KKA, determinism and the saved form. */
class SimpleNetTest {
    private static final int SIDE = 28;
    private static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.StringType, false)
            .add("image", DataTypes.BinaryType, false)
            .add("sad_label", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("class_name", DataTypes.StringType, false);
    private static SparkSession spark;
    private static Dataset<Row> normals;
    private static Dataset<Row> test;
    private static Detector plain;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.get();
        normals = frame(1, new int[] {80, 0, 0, 0}, "n").cache();
        test = frame(99, new int[] {40, 20, 0, 20}, "t").cache();
        plain = Detectors.fit(config(), normals, 5);
    }

    /**
     * Grayscale images (the detector fixtures' shapes): normals (kind 0) a bright centred square, kind 1 a bright
     * frame along the border, kind 2 a diagonal, kind 3 a smaller centred square (close to the normals). The shape's
     * brightness varies from image to image and the pixel noise is small, so that the normals' features lie near a
     * curve, as real features lie near a low-dimensional manifold: noise off it is what SimpleNet learns to reject
     * (with the detector fixtures' strong pixel noise the normals fill the feature space).
     */
    static byte[] png(int kind, Random rnd) {
        byte[] px = new byte[SIDE * SIDE];
        int level = 120 + rnd.nextInt(100);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean on = switch (kind) {
                    case 0 -> x >= SIDE / 4 && x < 3 * SIDE / 4 && y >= SIDE / 4 && y < 3 * SIDE / 4;
                    case 1 -> x == 0 || y == 0 || x == SIDE - 1 || y == SIDE - 1;
                    case 2 -> Math.abs(x - y) <= 1;
                    default -> x >= SIDE / 3 && x < 2 * SIDE / 3 && y >= SIDE / 3 && y < 2 * SIDE / 3;
                };
                px[y * SIDE + x] = (byte) Math.min(255, (on ? level : 10) + rnd.nextInt(6));
            }
        }
        return ImageCodec.png(ImageCodec.fromPixels(px, SIDE, SIDE, 1));
    }

    /** counts[k] images of kind k; kind 0 has sad_label 0 (label 0), the others sad_label −1 (label 1). */
    static Dataset<Row> frame(long seed, int[] counts, String prefix) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int kind = 0; kind < counts.length; kind++) {
            for (int i = 0; i < counts[kind]; i++) {
                rows.add(RowFactory.create(prefix + kind + "-" + i, png(kind, rnd), kind == 0 ? 0 : -1,
                        kind == 0 ? 0 : 1, "k" + kind));
            }
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(2);
    }

    /** SimpleNet's defaults but for a budget that fits 80 rows: small batches, higher rates */
    static final SimpleNetConfig SETTINGS = new SimpleNetConfig(SimpleNetConfig.defaults().noiseStd(), 40, 2e-3,
            1e-3, 0, 16, 0.5);

    static EvaluatorConfig config() {
        EvaluatorConfig d = EvaluatorConfig.defaults();
        return new EvaluatorConfig(EvaluatorConfig.Kind.SIMPLENET, d.network(), 0, 1.0, 1e-6, 0.1, 2, 1e-3, 1e-6,
                List.of(1), 8, 2, 5, 0, new EvaluatorConfig.PretrainConfig(false, 3, 1e-3, 1e-6), SETTINGS,
                d.mahalanobis());
    }

    private static Map<String, Double> scores(Detector d) {
        Map<String, Double> m = new HashMap<>();
        d.score(test).select("sample_id", "score").collectAsList().forEach(r -> m.put(r.getString(0),
                r.getDouble(1)));
        return m;
    }

    private static double auroc(Detector d, String anomalyClass) {
        return AnomalyMetrics.of(d.score(test.where(col("class_name").isin("k0", anomalyClass)))).auroc();
    }

    /** The hand-written backprop of the truncated L1 loss, through batch norm and the adaptor, = finite differences. */
    @Test
    void gradientMatchesFiniteDifferences() {
        Random rnd = new Random(11);
        int d = 5;
        SimpleNetHead head = SimpleNetHead.init(d, 4, 3);
        for (int i = 0; i < head.params.length; i++) {
            head.params[i] += 0.3 * rnd.nextGaussian(); // away from the initialisation's symmetries
        }
        double[][] normals = gaussian(rnd, 4, d, 1);
        double[][] noise = gaussian(rnd, 4, d, 0.5);
        double[][] anomalies = gaussian(rnd, 3, d, 2);
        double margin = 0.3;
        TruncatedL1.Result r = TruncatedL1.of(head, normals, noise, anomalies, margin);
        assertTrue(r.loss() > 0, "some rows inside the margin: " + r.loss());
        double worst = 0;
        int nonzero = 0;
        for (int i = 0; i < head.params.length; i++) {
            double keep = head.params[i];
            double eps = 1e-6;
            head.params[i] = keep + eps;
            double up = TruncatedL1.of(head, normals, noise, anomalies, margin).loss();
            head.params[i] = keep - eps;
            double down = TruncatedL1.of(head, normals, noise, anomalies, margin).loss();
            head.params[i] = keep;
            double numeric = (up - down) / (2 * eps);
            worst = Math.max(worst, Math.abs(numeric - r.grad()[i]) / Math.max(1e-3, Math.abs(numeric)));
            nonzero += Math.abs(r.grad()[i]) > 1e-9 ? 1 : 0;
        }
        assertTrue(worst < 1e-5, "largest relative gradient error " + worst);
        assertTrue(nonzero > head.params.length / 2, nonzero + " of " + head.params.length + " nonzero");
        assertEquals(r.positives() + r.negatives(), 4 + 4 + 3);
    }

    private static double[][] gaussian(Random rnd, int n, int d, double s) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = s * rnd.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void separatesTheFixtureAnomaliesAndRoundTrips(@TempDir Path dir) throws Exception {
        assertEquals("simplenet", plain.kind());
        assertTrue(plain.describe().startsWith("SimpleNet (adaptor 64→64, discriminator 64-42-1"), plain.describe());
        double frame = auroc(plain, "k1");
        assertTrue(frame > 0.9, "border frames vs normals: AUROC " + frame);
        // embed gives the adapted features A·z + b of the standardised φ(x)
        Dataset<Row> one = test.orderBy("sample_id").limit(1).cache();
        Vector u = (Vector) plain.embed(one).select(DeepSadModel.FEATURES).first().get(0);
        Vector phi = (Vector) plain.encoder().embed(one).select(DeepSadModel.FEATURES).first().get(0);
        SimpleNetModel m = (SimpleNetModel) plain;
        assertEquals(plain.encoder().repDim(), u.size());
        assertArrayEquals(m.head().adapt(m.scale().apply(phi.toArray())), u.toArray(), 1e-12);
        assertEquals(-m.head().logit(u.toArray()), plain.score(one).select("score").first().getDouble(0), 1e-12);

        String uri = dir.resolve("sn").toUri().toString();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        plain.save(uri, false, conf);
        assertTrue(Fs.readString(Fs.child(uri, Detectors.META), conf).contains("\"kind\" : \"simplenet\""));
        assertTrue(Fs.exists(Fs.child(Fs.child(uri, SimpleNetModel.ENCODER), "model.zip"), conf));
        Detector back = Detectors.load(uri, spark);
        assertEquals("simplenet", back.kind());
        assertEquals(plain.describe(), back.describe());
        Map<String, Double> a = scores(plain);
        Map<String, Double> b = scores(back);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
    }

    /**
     * SimpleNet+KKA: labelled anomalies of a kind join the negatives, and test anomalies of that kind move up. With
     * a loose boundary (σ = 2 spreads), so that plain SimpleNet confuses the small squares: at the default σ it
     * rejects them already, and the truncated loss gives a negative beyond the margin no gradient.
     */
    @Test
    void labelledAnomaliesAreNegatives() {
        SimpleNetConfig loose = new SimpleNetConfig(2.0, SETTINGS.epochs(), SETTINGS.learningRate(),
                SETTINGS.adaptorLearningRate(), 0, SETTINGS.batchSize(), SETTINGS.margin());
        // the same encoder, so that the negatives are the only difference
        Detector without = SimpleNetTrainer.of(loose, 2, 5, 5).fit(normals, plain.encoder());
        Detector with = SimpleNetTrainer.of(loose, 2, 5, 5).fit(normals.unionByName(frame(7,
                new int[] {0, 0, 0, 30}, "a")), plain.encoder());
        double before = auroc(without, "k3");
        double after = auroc(with, "k3");
        double meanBefore = meanScore(without, "k3");
        double meanAfter = meanScore(with, "k3");
        String figures = "small squares without labelled anomalies: AUROC " + before + ", mean score " + meanBefore
                + "; with: AUROC " + after + ", mean score " + meanAfter;
        assertTrue(meanBefore < loose.margin(), "plain SimpleNet should not reject them beyond the margin: "
                + figures);
        assertTrue(meanAfter > meanBefore + loose.margin() / 2, figures);
        assertTrue(after >= before, figures);
    }

    private static double meanScore(Detector d, String anomalyClass) {
        return d.score(test.where(col("class_name").equalTo(anomalyClass))).agg(avg("score")).first().getDouble(0);
    }

    /**
     * The same seed and encoder give the same detector whatever the input's partitioning (to a relative 1e-6: the
     * encoder's native threads may reorder float sums; a different shard or batch order moves scores far more).
     */
    @Test
    void deterministicGivenTheSeed() {
        Detector again = SimpleNetTrainer.of(SETTINGS, 2, 5, 5).fit(normals.repartition(3), plain.encoder());
        Map<String, Double> a = scores(plain);
        Map<String, Double> b = scores(again);
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
    }

    @Test
    void settingsAreValidated() {
        var e = assertThrows(ConfigException.class, () -> new SimpleNetConfig(0.1, 40, 2e-4, 0, 0, 64, 0.5));
        assertTrue(e.getMessage().contains("adaptor_learning_rate"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new SimpleNetConfig(0.1, 40, 2e-4, 1e-4, -1, 64, 0.5));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        assertEquals(42, SimpleNetConfig.defaults().hiddenFor(64));
        assertEquals(85, SimpleNetConfig.defaults().hiddenFor(128));
        assertEquals(7, new SimpleNetConfig(0.1, 1, 1e-3, 1e-3, 7, 8, 0.5).hiddenFor(64));
    }
}
