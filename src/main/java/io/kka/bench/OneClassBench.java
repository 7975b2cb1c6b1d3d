package io.kka.bench;

import io.kka.detect.MahalanobisDetector;
import io.kka.detect.DeepSadTrainer;
import io.kka.detect.DeepSadModel;
import io.kka.detect.SadLabel;
import io.kka.detect.AnomalyMetrics;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.kka.config.EvaluatorConfig;
import io.kka.config.RepresentativesConfig;
import io.kka.data.Columns;
import io.kka.data.Split;
import io.kka.data.SplitHash;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One one-class task of the detector benchmark (Ruff et al. 2020's protocol): the training images of one class
 * are the normals, the test split's images of every other class are anomalies. Trains Deep SVDD (Deep SAD with
 * no labelled anomaly) and the Eq. 1 Mahalanobis detector on pixels, and measures both on the test split.
 */
public final class OneClassBench {
    private static final Logger LOG = LoggerFactory.getLogger(OneClassBench.class);

    private final EvaluatorConfig evaluator;
    private final RepresentativesConfig mahalanobis;
    private final int maxTrain;
    private final int maxTestPerClass;

    private OneClassBench(EvaluatorConfig evaluator, RepresentativesConfig mahalanobis, int maxTrain,
            int maxTestPerClass) {
        this.evaluator = evaluator;
        this.mahalanobis = mahalanobis;
        this.maxTrain = maxTrain;
        this.maxTestPerClass = maxTestPerClass;
    }

    /**
     * @param evaluator       Deep SVDD settings
     * @param mahalanobis     Eq. 1 settings (null skips the baseline)
     * @param maxTrain        keep at most this many training normals per task (seeded; 0 keeps all)
     * @param maxTestPerClass keep at most this many test images per class (seeded; 0 keeps all)
     * @return the benchmark task runner
     */
    public static OneClassBench of(EvaluatorConfig evaluator, RepresentativesConfig mahalanobis, int maxTrain,
            int maxTestPerClass) {
        return new OneClassBench(evaluator, mahalanobis, maxTrain, maxTestPerClass);
    }

    /**
     * One task's outcome.
     *
     * @param normalClass  the normal class
     * @param seed         the task seed
     * @param trainRows    training normals used
     * @param testRows     test rows scored
     * @param svdd         Deep SVDD metrics
     * @param svddPerClass Deep SVDD AUROC of the normals against each anomaly class
     * @param mahalanobis  Eq. 1 metrics (null when skipped)
     * @param losses       Deep SVDD epoch losses
     * @param seconds      wall time of the task
     */
    public record Result(String normalClass, long seed, long trainRows, long testRows, AnomalyMetrics.Result svdd,
            Map<String, Double> svddPerClass, AnomalyMetrics.Result mahalanobis, List<Double> losses,
            double seconds) {
    }

    /**
     * @param all         ingested rows ({@code class_name}, {@code split}, {@code image}, {@code sample_id})
     * @param normalClass the class that is normal in this task
     * @param seed        task seed
     * @return the metrics of both detectors
     */
    public Result run(Dataset<Row> all, String normalClass, long seed) {
        long t0 = System.nanoTime();
        Column isTest = col(Columns.SPLIT).equalTo(Split.TEST.value());
        Dataset<Row> train = keep(all.where(org.apache.spark.sql.functions.not(isTest).and(col(Columns.CLASS_NAME).equalTo(normalClass))),
                maxTrain, seed, "train", lit(0)).withColumn(SadLabel.COLUMN, lit(SadLabel.UNLABELLED.value()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> test = keep(all.where(isTest), maxTestPerClass, seed, "test", col(Columns.CLASS_NAME))
                .withColumn(Columns.LABEL, when(col(Columns.CLASS_NAME).equalTo(normalClass), 0).otherwise(1))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long nTrain = train.count();
            long nTest = test.count();
            LOG.info("task normal={} seed={}: {} training normals, {} test rows", normalClass, seed, nTrain, nTest);
            DeepSadModel svdd = DeepSadTrainer.of(evaluator, seed).fit(train);
            Dataset<Row> scored = svdd.score(test).persist(StorageLevel.MEMORY_AND_DISK());
            AnomalyMetrics.Result m = AnomalyMetrics.of(scored);
            Map<String, Double> perClass = AnomalyMetrics.aurocPerClass(scored, Columns.SCORE, Columns.LABEL,
                    Columns.CLASS_NAME);
            scored.unpersist(false);
            AnomalyMetrics.Result maha = null;
            if (mahalanobis != null) {
                // a baseline on pixels: no learned encoder exists for it
                maha = AnomalyMetrics.of(MahalanobisDetector.of(mahalanobis.withFeatures(
                        RepresentativesConfig.FeatureKind.PIXELS), seed).fit(train, null).score(test));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            LOG.info("task normal={} seed={}: Deep SVDD AUROC {}, Mahalanobis AUROC {} ({} s)", normalClass, seed,
                    m.auroc(), maha == null ? "-" : maha.auroc(), Math.round(secs));
            return new Result(normalClass, seed, nTrain, nTest, m, perClass, maha, svdd.trainingLosses(), secs);
        } finally {
            train.unpersist(false);
            test.unpersist(false);
        }
    }

    /** Keeps at most {@code max} rows per group, chosen by a seeded hash of the sample id (0 keeps all). */
    private static Dataset<Row> keep(Dataset<Row> rows, int max, long seed, String salt, Column group) {
        if (max <= 0) {
            return rows;
        }
        var hash = udf((String id) -> SplitHash.unit(id, seed, "bench-" + salt), DataTypes.DoubleType);
        return rows.withColumn("_h", hash.apply(col(Columns.SAMPLE_ID)))
                .withColumn("_r", row_number().over(Window.partitionBy(group).orderBy(col("_h"))))
                .where(col("_r").leq(max)).drop("_h", "_r");
    }
}
