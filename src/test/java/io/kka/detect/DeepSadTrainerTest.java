package io.kka.detect;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeepSadTrainerTest {
    private static final int SIDE = 8;
    private static SparkSession spark;
    private static Dataset<Row> test;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.get();
        test = DetectFixtures.frame(spark, SIDE, 99, new int[] {40, 40}, new int[] {0, 0}, "t").cache();
    }

    static EvaluatorConfig config(int epochs) {
        EvaluatorConfig d = EvaluatorConfig.defaults();
        // small batches: enough updates for batch-norm running statistics (used when scoring) to settle
        return new EvaluatorConfig(EvaluatorConfig.Kind.DEEP_SAD, d.network(), 0, 1.0, 1e-6, 0.1, epochs, 1e-3, 1e-6,
                List.of(epochs - 1), 8, 2, 5, 0, d.pretrain(), d.simplenet(), d.mahalanobis());
    }

    private static Map<Integer, Double> meanScoreByLabel(Dataset<Row> scored) {
        Map<Integer, Double> m = new HashMap<>();
        scored.groupBy("label").agg(avg("score")).collectAsList().forEach(r -> m.put(r.getInt(0), r.getDouble(1)));
        return m;
    }

    @Test
    void deepSvddLearnsScoresEmbedsAndRoundTrips() throws Exception {
        Dataset<Row> train = DetectFixtures.frame(spark, SIDE, 1, new int[] {160}, new int[] {0}, "n");
        DeepSadModel model = DeepSadTrainer.of(config(6), 7).fit(train);
        List<Double> losses = model.trainingLosses();
        assertEquals(6, losses.size());
        assertTrue(losses.get(5) < 0.5 * losses.get(0), "loss should fall: " + losses);
        for (double c : model.center()) {
            assertTrue(Math.abs(c) >= 0.1, "centre component below center_eps: " + c);
        }
        Dataset<Row> scored = model.score(test);
        assertEquals(test.count(), scored.count());
        assertEquals(List.of(test.columns()), List.of(scored.columns()).subList(0, test.columns().length));
        Map<Integer, Double> mean = meanScoreByLabel(scored);
        assertTrue(mean.get(1) > 2 * mean.get(0), "anomalies should score higher: " + mean);

        Row r = model.embed(test).select("features").head();
        assertEquals(64, ((org.apache.spark.ml.linalg.Vector) r.get(0)).size());

        Path dir = Files.createTempDirectory("kka-model");
        String uri = dir.resolve("deep-sad").toUri().toString();
        model.save(uri, spark);
        assertThrows(IllegalStateException.class, () -> model.save(uri, spark));
        DeepSadModel loaded = DeepSadModel.load(uri, spark);
        assertArrayEquals(model.center(), loaded.center());
        assertEquals(model.trainingLosses(), loaded.trainingLosses());
        assertEquals(scores(scored), scores(loaded.score(test)));
        assertThrows(InvalidInputException.class, () -> DeepSadModel.load(dir.resolve("nope").toUri().toString(),
                spark));
    }

    @Test
    void labelledAnomaliesArePushedAway() {
        Dataset<Row> train = DetectFixtures.frame(spark, SIDE, 2, new int[] {120, 30}, new int[] {0, -1}, "n");
        DeepSadModel sad = DeepSadTrainer.of(config(6), 7).fit(train);
        Map<Integer, Double> mean = meanScoreByLabel(sad.score(test));
        assertTrue(mean.get(1) > 10 * mean.get(0), "Deep SAD should push labelled anomalies far out: " + mean);
    }

    private static Map<String, Double> scores(Dataset<Row> scored) {
        Map<String, Double> m = new HashMap<>();
        scored.select(col("sample_id"), col("score")).collectAsList()
                .forEach(r -> m.put(r.getString(0), r.getDouble(1)));
        return m;
    }

    @Test
    void badInputsFailWithClearMessages() {
        Dataset<Row> anomaliesOnly = DetectFixtures.frame(spark, SIDE, 5, new int[] {0, 8}, new int[] {0, -1}, "a");
        Exception e = assertThrows(Exception.class, () -> DeepSadTrainer.of(config(1), 1).fit(anomaliesOnly));
        assertTrue(rootMessage(e).contains("no training normals"), rootMessage(e));
        Dataset<Row> badLabel = DetectFixtures.frame(spark, SIDE, 5, new int[] {8}, new int[] {3}, "b");
        e = assertThrows(Exception.class, () -> DeepSadTrainer.of(config(1), 1).fit(badLabel));
        assertTrue(rootMessage(e).contains("sad_label must be -1, 0 or 1, found 3"), rootMessage(e));
        Dataset<Row> mixed = DetectFixtures.frame(spark, SIDE, 5, new int[] {8}, new int[] {0}, "m")
                .union(DetectFixtures.frame(spark, 12, 5, new int[] {1}, new int[] {0}, "big"));
        e = assertThrows(Exception.class, () -> DeepSadTrainer.of(config(1), 1).fit(mixed));
        assertTrue(rootMessage(e).contains("but the model expects"), rootMessage(e));
    }

    @Test
    void aPretrainedEncoderGivesEq2ItsLearnedFeaturesAtIterationZero() {
        EvaluatorConfig d = config(2);
        EvaluatorConfig withAe = new EvaluatorConfig(EvaluatorConfig.Kind.DEEP_SAD, d.network(), 0, 1.0, 1e-6, 0.1, 2,
                1e-3, 1e-6, List.of(1), 8, 2, 5, 0, new EvaluatorConfig.PretrainConfig(true, 1, 1e-3, 1e-6),
                d.simplenet(), d.mahalanobis());
        // the autoencoder is LeNet-28's: 28x28 images
        Dataset<Row> train = DetectFixtures.frame(spark, 28, 1, new int[] {60}, new int[] {0}, "n");
        DeepSadModel phi = DeepSadTrainer.of(withAe, 7).pretrained(train);
        Dataset<Row> embedded = phi.embed(train);
        assertEquals(phi.repDim(), ((org.apache.spark.ml.linalg.Vector) embedded.select(DeepSadModel.FEATURES)
                .first().get(0)).size());
        io.kka.config.RepresentativesConfig enc = new io.kka.config.RepresentativesConfig(3,
                io.kka.config.RepresentativesConfig.FeatureKind.ENCODER, 8, 0.1, 10);
        assertEquals(3, io.kka.generate.Representatives.of(enc, 1).select(train, phi).count());
        // asking for the encoder without one is an error, never pixels in disguise
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.kka.generate.Representatives.of(enc, 1).select(train));
        assertTrue(e.getMessage().startsWith("representatives.features is encoder but no encoder"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> DeepSadTrainer.of(config(2), 7).pretrained(train));
    }

    static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
