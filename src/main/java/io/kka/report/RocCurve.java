package io.kka.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The ROC curve of a detector, computed distributively: scores are bucketed into at most {@code buckets} equal
 * score intervals and each bucket's positives and negatives are counted with one aggregate; the driver sweeps
 * the thresholds over the buckets, from the highest score down. Rows tied within a bucket form one diagonal
 * segment, so the area under the curve is exact when no bucket holds both classes and a close bound otherwise.
 */
final class RocCurve {
    private final int buckets;

    private RocCurve(int buckets) {
        this.buckets = buckets;
    }

    /**
     * @param buckets number of score buckets (thresholds), 2 to 4096 (the report uses 512)
     * @return a ROC computer
     */
    static RocCurve of(int buckets) {
        if (buckets < 2 || buckets > 4096) {
            throw new IllegalArgumentException("buckets must be in [2, 4096], found " + buckets);
        }
        return new RocCurve(buckets);
    }

    /**
     * The curve.
     *
     * @param fpr       false-positive rates, from 0 to 1
     * @param tpr       true-positive rates, from 0 to 1
     * @param auroc     area under the curve (trapezoids)
     * @param positives anomalies (label 1)
     * @param negatives normals (label 0)
     * @param buckets   number of equal score buckets the thresholds were taken from
     */
    record Result(double[] fpr, double[] tpr, double auroc, long positives, long negatives, int buckets) {
    }

    /**
     * @param scores a scores table (label 0/1, score; higher = more anomalous)
     * @return the curve, or null if the table lacks either class
     */
    Result compute(Dataset<Row> scores) {
        Dataset<Row> s = scores.select(col("label").cast("int").as("label"), col("score").cast("double").as("score"))
                .filter(col("label").isin(0, 1).and(ScoreHistogram.finite(col("score"))));
        Row r = s.agg(min("score"), max("score"), sum("label"), count(lit(1))).first();
        long n = r.getLong(3);
        long pos = r.isNullAt(2) ? 0 : r.getLong(2);
        if (pos == 0 || pos == n) {
            return null;
        }
        double lo = r.getDouble(0);
        double span = Math.max(r.getDouble(1) - lo, Double.MIN_NORMAL);
        Column bucket = least(lit(buckets - 1),
                floor(col("score").minus(lo).divide(span).multiply(buckets)).cast("int"));
        List<Row> rows = s.groupBy(bucket.as("bucket")).agg(sum("label").as("pos"), count(lit(1)).as("n"))
                .orderBy(col("bucket").desc()).collectAsList();
        double[] fpr = new double[rows.size() + 1];
        double[] tpr = new double[rows.size() + 1];
        long tp = 0;
        long fp = 0;
        double auc = 0;
        for (int i = 0; i < rows.size(); i++) {
            long p = rows.get(i).getLong(1);
            tp += p;
            fp += rows.get(i).getLong(2) - p;
            fpr[i + 1] = (double) fp / (n - pos);
            tpr[i + 1] = (double) tp / pos;
            auc += (fpr[i + 1] - fpr[i]) * (tpr[i + 1] + tpr[i]) / 2;
        }
        return new Result(fpr, tpr, auc, pos, n - pos, buckets);
    }
}
