package io.kka.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Histograms of an evaluator's scores for three groups (validation normals, generated anomalies, test anomalies),
 * computed with Spark aggregates only: the driver receives bin counts, never the scores. The x range runs from
 * the smallest score (or the threshold) to the 99th percentile (or the threshold); larger scores are counted in
 * the last bin, so one far-away anomaly cannot squash every other bar into one.
 */
final class ScoreHistogram {
    /** group of validation normals (role normal, split val) */
    static final String VAL_NORMAL = "validation normals";
    /** group of this iteration's anomaly set (role generated) */
    static final String GENERATED = "generated anomalies";
    /** group of test anomalies (role test, label 1) */
    static final String TEST_ANOMALY = "test anomalies";
    private static final int FINE = 1024;

    private final int bins;

    private ScoreHistogram(int bins) {
        this.bins = bins;
    }

    /**
     * @param bins number of bins, 2 to 200 (the report uses 40)
     * @return a histogram computer
     */
    static ScoreHistogram of(int bins) {
        if (bins < 2 || bins > 200) {
            throw new IllegalArgumentException("bins must be in [2, 200], found " + bins);
        }
        return new ScoreHistogram(bins);
    }

    /**
     * The counts of one histogram.
     *
     * @param lo       left edge of bin 0
     * @param width    bin width
     * @param max      largest score seen (beyond {@code lo + bins·width} when the last bin holds overflow)
     * @param counts   group → counts per bin, groups in a fixed order, empty groups included
     * @param overflow number of scores counted in the last bin although beyond its right edge
     */
    record Result(double lo, double width, double max, Map<String, long[]> counts, long overflow) {
        /** @return the number of scores in a group */
        long total(String group) {
            long n = 0;
            for (long c : counts.get(group)) {
                n += c;
            }
            return n;
        }
    }

    /**
     * @param scores    an iteration's scores table (role, split, label, score)
     * @param threshold the Eq. 6 hard threshold, kept inside the x range (NaN if unknown)
     * @return the histogram, or null when no row of the three groups has a finite score
     */
    Result compute(Dataset<Row> scores, double threshold) {
        Dataset<Row> s = grouped(scores);
        Row r = s.agg(min("score"), max("score"), count(lit(1))).first();
        if (r.getLong(2) == 0) {
            return null;
        }
        double smin = r.getDouble(0);
        double smax = r.getDouble(1);
        double lo = Double.isNaN(threshold) ? smin : Math.min(smin, threshold);
        double hi = Math.max(percentile99(s, smin, smax), Double.isNaN(threshold) ? smin : threshold);
        if (!(hi > lo)) {
            hi = lo + Math.max(1e-9, Math.abs(lo) * 0.1);
        }
        double width = (hi - lo) / bins;
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String g : new String[] {VAL_NORMAL, GENERATED, TEST_ANOMALY}) {
            counts.put(g, new long[bins]);
        }
        long overflow = 0;
        // bin index `bins` collects every score beyond hi: drawn in the last bin, and counted as overflow
        for (Row b : binned(s, lo, width, bins + 1).collectAsList()) {
            int bin = b.getInt(1);
            counts.get(b.getString(0))[Math.min(bin, bins - 1)] += b.getLong(2);
            overflow += bin == bins ? b.getLong(2) : 0;
        }
        return new Result(lo, width, smax, counts, overflow);
    }

    /** Keeps the rows of the three groups with a finite score, as (group, score). */
    static Dataset<Row> grouped(Dataset<Row> scores) {
        Column group = when(col("role").equalTo("normal").and(col("split").equalTo("val")), VAL_NORMAL)
                .when(col("role").equalTo("generated"), GENERATED)
                .when(col("role").equalTo("test").and(col("label").equalTo(1)), TEST_ANOMALY);
        return scores.select(group.as("group"), col("score").cast("double").as("score"))
                .filter(col("group").isNotNull().and(finite(col("score"))));
    }

    /** @return true for a finite number (Spark orders NaN above every double, so between drops it too) */
    static Column finite(Column c) {
        return c.isNotNull().and(c.between(-Double.MAX_VALUE, Double.MAX_VALUE));
    }

    /** The 99th percentile from a fine 1024-bucket histogram: exact to a bucket, and order-independent. */
    private static double percentile99(Dataset<Row> s, double smin, double smax) {
        if (!(smax > smin)) {
            return smax;
        }
        double w = (smax - smin) / FINE;
        long[] fine = new long[FINE];
        long n = 0;
        for (Row b : binned(s.withColumn("group", lit("all")), smin, w, FINE).collectAsList()) {
            fine[b.getInt(1)] = b.getLong(2);
            n += b.getLong(2);
        }
        long seen = 0;
        for (int i = 0; i < FINE; i++) {
            seen += fine[i];
            if (seen >= Math.ceil(0.99 * n)) {
                return smin + (i + 1) * w;
            }
        }
        return smax;
    }

    private static Dataset<Row> binned(Dataset<Row> s, double lo, double width, int bins) {
        Column bin = least(lit(bins - 1), floor(col("score").minus(lo).divide(width)).cast("int"));
        Column clamped = when(bin.lt(0), lit(0)).otherwise(bin);
        return s.groupBy(col("group"), clamped.as("bin")).count();
    }
}
