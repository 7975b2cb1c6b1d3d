package io.kka.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import io.kka.config.SimpleNetConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.ImageFrames;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DetectorEstimator} and {@link DetectorModel}: any evaluator.kind through one estimator. */
class DetectorEstimatorTest {
    private static final int SIDE = 28;

    private static Map<String, Double> scores(Dataset<Row> scored) {
        Map<String, Double> m = new HashMap<>();
        scored.select("sample_id", "score").collectAsList().forEach(r -> m.put(r.getString(0), r.getDouble(1)));
        return m;
    }

    @Test
    void mahalanobisFitsWithoutLabelsAndRoundTripsInAPipeline(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        // no sad_label column at all: every row is a normal (mahalanobis ignores labelled anomalies anyway)
        Dataset<Row> train = ImageFrames.frame(spark, SIDE, 3, new int[] {64}, new int[] {0}, "n")
                .drop("sad_label").cache();
        Dataset<Row> test = ImageFrames.frame(spark, SIDE, 98, new int[] {15, 15}, new int[] {0, 0}, "t").cache();
        DetectorEstimator est = new DetectorEstimator().setKind("mahalanobis").setPretrainEpochs(2)
                .setPretrainLearningRate(1e-3).setBatchSize(16).setWorkers(2).setClusters(1).setSeed(3);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {est}).fit(train);
        DetectorModel model = assertInstanceOf(DetectorModel.class, fitted.stages()[0]);
        assertSame(est, model.parent());
        assertEquals("mahalanobis", model.kind());
        assertTrue(model.describe().startsWith("Mahalanobis (1 Gaussian) on encoder"), model.describe());

        Map<String, Double> a = scores(fitted.transform(test));
        double normals = a.entrySet().stream().filter(e -> e.getKey().startsWith("t0")).mapToDouble(
                Map.Entry::getValue).average().orElseThrow();
        double anomalies = a.entrySet().stream().filter(e -> e.getKey().startsWith("t1")).mapToDouble(
                Map.Entry::getValue).average().orElseThrow();
        assertTrue(anomalies > normals, "anomalies should score higher: " + anomalies + " vs " + normals);

        String uri = dir.resolve("p").toUri().toString();
        fitted.save(uri);
        PipelineModel back = PipelineModel.load(uri);
        SameParams.assertSame(model, back.stages()[0]);
        Map<String, Double> b = scores(back.transform(test));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));

        // the model alone, and the Deep SAD reader refusing another kind
        String m = dir.resolve("m").toUri().toString();
        model.save(m);
        assertEquals("mahalanobis", DetectorModel.load(m).kind());
        InvalidInputException wrongClass = assertThrows(InvalidInputException.class, () -> DeepSadModel.load(m));
        assertTrue(wrongClass.getMessage().endsWith("expected class io.kka.ml.DeepSadModel but found"
                + " 'io.kka.ml.DetectorModel'"), wrongClass.getMessage());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new DeepSadModel("m", model.detector()));
        assertEquals("DeepSadModel needs a deep-sad detector, found mahalanobis (load it with DetectorModel)",
                e.getMessage());
        // kka score reads the model's directory, or the detector inside it, or one saved by kka train
        assertEquals("mahalanobis", DetectorModel.fromDirectory(m, spark).kind());
        assertEquals("mahalanobis", DetectorModel.fromDirectory(m + "/detector", spark).kind());
    }

    @Test
    void aConfigMapsOntoTheParamsAndBackWithoutLoss() {
        EvaluatorConfig cfg = new EvaluatorConfig(EvaluatorConfig.Kind.SIMPLENET,
                EvaluatorConfig.NetworkKind.LENET28, 48, 1.5, 1e-5, 0.05, 9, 2e-4, 1e-6, List.of(4), 32, 2, 3, -1,
                new EvaluatorConfig.PretrainConfig(true, 6, 1e-3, 1e-5), new SimpleNetConfig(0.2, 12, 1e-3, 3e-4, 64, 16,
                0.3), new EvaluatorConfig.MahalanobisConfig(3, 0.25));
        DetectorEstimator est = DetectorEstimator.of(cfg, 11);
        assertEquals(cfg, est.evaluatorConfig());
        assertEquals("simplenet", est.getKind());
        assertEquals(3, est.getClusters());
        assertEquals(11, est.getSeed());
        assertEquals(EvaluatorConfig.defaults(), new DetectorEstimator().evaluatorConfig());
        // the seam's kinds are the config's: an unknown one fails when set, naming the param
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DetectorEstimator().setKind("svdd"));
        assertTrue(e.getMessage().contains("parameter kind given invalid value svdd"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DetectorEstimator().setShrinkage(1.5));
        // DeepSad maps the shared settings and is always deep-sad
        assertEquals(EvaluatorConfig.Kind.DEEP_SAD, DeepSad.of(cfg, 11).evaluatorConfig().kind());
        assertEquals(cfg.withKind(EvaluatorConfig.Kind.DEEP_SAD).repDim(), DeepSad.of(cfg, 11).getRepDim());
    }
}
