package io.kka.loop;

import io.kka.detect.Detector;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.data.SplitHash;
import io.kka.store.RunLayout;
import java.util.Map;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The final detector ("SAD+KKA"): Deep SAD trained on the normals and the final anomaly set A_T, which is the
 * confusion evaluator of the last iteration. Copies it to {@code final/detector}, writes its test scores and a 2-D
 * PCA map of its latent space (the paper's Figure 5) for the report, and evaluates it on the test split.
 */
final class FinalStep {
    /** at most this many rows of each kind go into the latent map */
    static final int LATENT_PER_KIND = 600;

    private FinalStep() {
    }

    /**
     * metrics.json's {@code final} object (and final/metrics.json).
     *
     * @param iteration the iteration whose evaluator is the final detector
     * @param detector  what it is
     * @param auroc     test AUROC, or null when the test split lacks normals or anomalies
     * @param auprc     test AUPRC, or null likewise
     * @param testRows  test rows scored
     * @param perClass  AUROC per anomaly class (omitted when not measured)
     */
    record FinalMetrics(int iteration, String detector, Double auroc, Double auprc, long testRows,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Map<String, Double> perClass) {
    }

    static ObjectNode run(SparkSession spark, Stages stages, RunLayout layout, Inputs in, int last) {
        StageClock clock = new StageClock(spark, "final");
        Detector detector = stages.load(layout.iteration(last, "evaluator"));
        detector.save(layout.finalDir("detector"), true, spark.sparkContext().hadoopConfiguration());
        Dataset<Row> scores = clock.run("scores", "test scores of the final detector", () -> GenerateStep.persist(
                spark, spark.read().parquet(layout.iteration(last, "scores"))
                        .filter(col(Columns.ROLE).equalTo(Role.TEST.value())), layout.finalDir("scores")));
        clock.run("latent", "latent map (PCA of φ(x))", () -> GenerateStep.persist(spark,
                latent(detector, in, spark.read().parquet(layout.iteration(last, "anomaly_set"))),
                layout.finalDir("latent")));
        java.util.Optional<Evaluation> eval = stages.evaluate(scores);
        FinalMetrics out = new FinalMetrics(last, detector.describe() + " trained on normals + the final anomaly set",
                eval.map(Evaluation::auroc).orElse(null), eval.map(Evaluation::auprc).orElse(null), scores.count(),
                eval.map(Evaluation::perClass).orElse(null));
        Records.write(layout.finalDir("metrics.json"), out, spark.sparkContext().hadoopConfiguration());
        return Records.JSON.valueToTree(out);
    }

    private static Dataset<Row> latent(Detector detector, Inputs in, Dataset<Row> anomalySet) {
        var kind = when(col(Columns.ROLE).equalTo(Role.TEST.value()),
                when(col(Columns.LABEL).equalTo(0), lit("test_normal")).otherwise(lit("test_anomaly")))
                .otherwise(col(Columns.ROLE));
        Dataset<Row> rows = bounded(in.trainNormals()).unionByName(bounded(anomalySet.drop(Columns.SCORE,
                Columns.HARDNESS)), true)
                .unionByName(bounded(in.test().filter(col(Columns.LABEL).equalTo(0))), true)
                .unionByName(bounded(in.test().filter(col(Columns.LABEL).equalTo(1))), true)
                .withColumn("kind", kind)
                .select(col(Columns.SAMPLE_ID), col("kind"), col(Columns.IMAGE));
        Dataset<Row> embedded = detector.embed(rows);
        var model = new PCA().setInputCol("features").setOutputCol("xy").setK(2).fit(embedded);
        var x = udf((Vector v) -> v.apply(0), DataTypes.DoubleType);
        var y = udf((Vector v) -> v.apply(1), DataTypes.DoubleType);
        return model.transform(embedded).select(col(Columns.SAMPLE_ID), col("kind"), x.apply(col("xy")).as("x"),
                y.apply(col("xy")).as("y"));
    }

    private static Dataset<Row> bounded(Dataset<Row> df) {
        var key = udf((String id) -> SplitHash.unit(id, 7L, "latent"), DataTypes.DoubleType);
        return df.withColumn("_k", key.apply(col(Columns.SAMPLE_ID))).orderBy(col("_k")).limit(LATENT_PER_KIND)
                .drop("_k");
    }
}
