package io.kka.ml;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import io.kka.detect.Detectors;
import io.kka.testing.ImageFrames;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DeepSad} and {@link DeepSadModel}: a fitted pipeline saved, loaded and scoring the same. */
class DeepSadTest {
    private static final int SIDE = 28;
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;
    private static DeepSad estimator;
    private static PipelineModel fitted;

    @BeforeAll
    static void fit() {
        spark = SparkTestSession.get();
        // 64 normals and 8 labelled anomalies (the border pattern); the test set has 20 of each
        train = ImageFrames.frame(spark, SIDE, 1, new int[] {64, 8}, new int[] {0, -1}, "n")
                .withColumnRenamed("image", "png").cache();
        test = ImageFrames.frame(spark, SIDE, 99, new int[] {20, 20}, new int[] {0, 0}, "t")
                .withColumnRenamed("image", "png").withColumn("features", lit("kept")).cache();
        estimator = small(new DeepSad()).setInputCol("png").setOutputCol("anomaly_score");
        SQLTransformer keepNonEmpty = new SQLTransformer().setStatement(
                "SELECT * FROM __THIS__ WHERE png IS NOT NULL");
        fitted = new Pipeline().setStages(new PipelineStage[] {keepNonEmpty, estimator}).fit(train);
    }

    static DeepSad small(DeepSad d) {
        return d.setEpochs(2).setBatchSize(16).setWorkers(2).setLearningRate(1e-3).setMilestones(1).setSeed(5);
    }

    private static Map<String, Double> scores(Dataset<Row> scored, String column) {
        Map<String, Double> m = new HashMap<>();
        scored.select("sample_id", column).collectAsList().forEach(r -> m.put(r.getString(0), r.getDouble(1)));
        return m;
    }

    @Test
    void aFittedPipelineSavesLoadsAndScoresTheSame(@TempDir Path dir) throws Exception {
        DeepSadModel model = (DeepSadModel) fitted.stages()[1];
        assertSame(estimator, model.parent());
        assertEquals(estimator.uid(), model.uid());
        assertEquals("png", model.getInputCol());
        assertEquals("anomaly_score", model.getOutputCol());
        assertEquals(2, model.trainingLosses().size());
        assertEquals(64, model.center().length);

        Dataset<Row> scored = fitted.transform(test);
        List<String> columns = List.of(scored.columns());
        assertEquals(List.of("sample_id", "png", "sad_label", "label", "class_name", "features", "anomaly_score"),
                columns, "every input column in place, then the score");
        assertEquals(40, scored.where(col("features").equalTo("kept")).count());
        Map<Integer, Double> byLabel = new HashMap<>();
        scored.groupBy("label").agg(avg("anomaly_score")).collectAsList()
                .forEach(r -> byLabel.put(r.getInt(0), r.getDouble(1)));
        assertTrue(byLabel.get(1) > byLabel.get(0), "anomalies should score higher: " + byLabel);

        String uri = dir.resolve("pipeline").toUri().toString();
        fitted.write().overwrite().save(uri);
        PipelineModel back = PipelineModel.load(uri);
        DeepSadModel loaded = assertInstanceOf(DeepSadModel.class, back.stages()[1]);
        assertEquals(model.uid(), loaded.uid());
        SameParams.assertSame(model, loaded);
        assertArrayEquals(model.center(), loaded.center());
        Map<String, Double> a = scores(scored, "anomaly_score");
        Map<String, Double> b = scores(back.transform(test), "anomaly_score");
        assertEquals(a.keySet(), b.keySet());
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));

        // the stage's detector is saved in the job's own layout, so kka score and Detectors.load read it too
        Path stage;
        try (var s = Files.list(dir.resolve("pipeline/stages"))) {
            stage = s.filter(p -> p.getFileName().toString().startsWith("1_")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(stage.resolve("metadata/part-00000")).contains(
                "\"class\":\"io.kka.ml.DeepSadModel\""));
        assertEquals("deep-sad", Detectors.load(stage.resolve("detector").toUri().toString(), spark).kind());
    }

    @Test
    void theModelSavesAndLoadsOnItsOwn(@TempDir Path dir) throws Exception {
        DeepSadModel model = ((DeepSadModel) fitted.stages()[1]).copy(new org.apache.spark.ml.param.ParamMap())
                .setOutputCol("s");
        String uri = dir.resolve("m").toUri().toString();
        model.save(uri);
        DeepSadModel back = DeepSadModel.load(uri);
        assertEquals("s", back.getOutputCol());
        assertEquals("Deep SAD (lenet28, rep 64)", back.describe());
        Map<String, Double> a = scores(model.transform(test), "s");
        Map<String, Double> b = scores(back.transform(test), "s");
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
        assertThrows(java.io.IOException.class, () -> model.save(uri), "an existing directory needs overwrite()");
    }

    @Test
    void paramsMapOntoTheEvaluatorConfig() {
        assertEquals(EvaluatorConfig.defaults(), new DeepSad().evaluatorConfig(), "the config's defaults");
        EvaluatorConfig d = EvaluatorConfig.defaults();
        EvaluatorConfig cfg = new EvaluatorConfig(EvaluatorConfig.Kind.DEEP_SAD, EvaluatorConfig.NetworkKind.LENET32,
                32, 2.0, 1e-5, 0.2, 7, 3e-4, 1e-5, List.of(3, 5), 16, 3, 2, 1,
                new EvaluatorConfig.PretrainConfig(true, 4, 2e-3, 1e-4), d.simplenet(), d.mahalanobis());
        DeepSad sad = DeepSad.of(cfg, 77);
        assertEquals(cfg, sad.evaluatorConfig());
        assertEquals(77, sad.getSeed());
        assertEquals("lenet32", sad.getNetwork());
        assertArrayEquals(new int[] {3, 5}, sad.getMilestones());
        assertTrue(sad.explainParams().contains("epochs: training epochs (default: 30, current: 7)"),
                sad.explainParams());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeepSad().setEpochs(0));
        assertTrue(e.getMessage().contains("parameter epochs given invalid value 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeepSad().setNetwork("resnet"));
        assertThrows(IllegalArgumentException.class, () -> new DeepSad().setMilestones(5, 3));
    }

    @Test
    void transformSchemaNamesTheColumn() {
        StructType ok = new StructType().add("image", DataTypes.BinaryType).add("sad_label", DataTypes.IntegerType);
        DeepSad sad = new DeepSad();
        assertEquals(ok.add("score", DataTypes.DoubleType, false), sad.transformSchema(ok));
        assertEquals("Column image (PNG images) does not exist. Available: sad_label",
                message(() -> sad.transformSchema(new StructType().add("sad_label", DataTypes.IntegerType))));
        assertEquals("Column image (PNG images) must be of type binary but was actually string.",
                message(() -> sad.transformSchema(new StructType().add("image", DataTypes.StringType))));
        assertEquals("Column sad_label (sad_label: -1, 0 or 1) must be of an integer type but was actually string.",
                message(() -> sad.transformSchema(new StructType().add("image", DataTypes.BinaryType)
                        .add("sad_label", DataTypes.StringType))));
        assertEquals("Output column score already exists.",
                message(() -> sad.transformSchema(ok.add("score", DataTypes.DoubleType))));
        // a default label column may be absent (every row a normal); one named explicitly must exist
        StructType images = new StructType().add("image", DataTypes.BinaryType);
        assertEquals(images.add("score", DataTypes.DoubleType, false), sad.transformSchema(images));
        assertEquals("Column y (sad_label: -1, 0 or 1) does not exist. Available: image",
                message(() -> new DeepSad().setLabelCol("y").transformSchema(images)));

        Transformer model = fitted.stages()[1];
        assertEquals("Output column anomaly_score already exists.", message(() -> model.transformSchema(
                new StructType().add("png", DataTypes.BinaryType).add("anomaly_score", DataTypes.DoubleType))));
        assertEquals("Column png (PNG images) must be of type binary but was actually string.", message(() ->
                model.transformSchema(new StructType().add("png", DataTypes.StringType))));
    }

    @Test
    void withoutALabelColumnEveryRowIsAnUnlabelledNormal() {
        Dataset<Row> noLabels = train.drop("sad_label");
        Dataset<Row> t = estimator.trainingFrame(noLabels);
        assertEquals(List.of("image", "sad_label", "sample_id"), List.of(t.columns()));
        assertEquals(72, t.where(col("sad_label").equalTo(0)).count());
        // "" ignores a label column that exists
        assertEquals(72, new DeepSad().setInputCol("png").setLabelCol("").trainingFrame(train)
                .where(col("sad_label").equalTo(0)).count());
        assertEquals(8, estimator.trainingFrame(train).where(col("sad_label").equalTo(-1)).count());
    }

    @Test
    void anEstimatorAndAnUnfittedPipelineSaveTheirParams(@TempDir Path dir) throws Exception {
        DeepSad sad = small(new DeepSad()).setRepDim(16).setLabelCol("y").setNetwork("lenet28");
        String uri = dir.resolve("e").toUri().toString();
        sad.save(uri);
        DeepSad back = DeepSad.load(uri);
        assertEquals(sad.uid(), back.uid());
        SameParams.assertSame(sad, back);
        assertEquals(sad.evaluatorConfig(), back.evaluatorConfig());
        assertTrue(back.isSet(back.labelCol()) && !back.isSet(back.outputCol()), "set and default stay apart");

        Pipeline p = new Pipeline().setStages(new PipelineStage[] {sad});
        String puri = dir.resolve("p").toUri().toString();
        p.save(puri);
        PipelineStage stage = Pipeline.load(puri).getStages()[0];
        SameParams.assertSame(sad, assertInstanceOf(DeepSad.class, stage));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
