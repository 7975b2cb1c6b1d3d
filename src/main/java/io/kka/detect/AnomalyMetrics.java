package io.kka.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Exact AUROC and AUPRC with ties, computed without collecting scores.
 *
 * <p>Rows are grouped by distinct score (counts of anomalies and normals per score), sorted on the executors, and
 * scanned partition by partition: a first pass returns each partition's totals (one row per partition: the only
 * thing the driver holds, so driver memory is O(partitions) however many distinct scores there are), a second
 * pass walks each partition with the prefix counts of the partitions before it. AUROC is the Mann–Whitney
 * statistic with ties counted ½; AUPRC is scikit-learn's {@code average_precision_score}: Σ (R_t − R_{t−1}) P_t
 * over descending distinct thresholds.
 */
public final class AnomalyMetrics {
    private static final StructType CDF = new StructType()
            .add("score", DataTypes.DoubleType, false).add("pos", DataTypes.LongType, false)
            .add("neg", DataTypes.LongType, false).add("pos_below", DataTypes.LongType, false)
            .add("neg_below", DataTypes.LongType, false);

    private AnomalyMetrics() {
    }

    /**
     * @param auroc     area under the ROC curve in [0, 1]
     * @param auprc     average precision in [0, 1]
     * @param anomalies rows with label 1
     * @param normals   rows with label 0
     */
    public record Result(double auroc, double auprc, long anomalies, long normals) {
    }

    /** Per-distinct-score cumulative counts (executors) and the totals. */
    private record Cdf(JavaRDD<Row> rows, long positives, long negatives) {
    }

    /** @return AUROC/AUPRC of {@code score} against {@code label} (1 = anomaly) */
    public static Result of(Dataset<Row> scored) {
        return of(scored, Columns.SCORE, Columns.LABEL);
    }

    /**
     * @param df       rows
     * @param scoreCol numeric score, higher = more anomalous
     * @param labelCol 0 normal, 1 anomaly
     * @return the metrics
     * @throws InvalidInputException for labels other than 0/1, NaN or null scores, or a missing class
     */
    public static Result of(Dataset<Row> df, String scoreCol, String labelCol) {
        Cdf cdf = cdf(df, scoreCol, labelCol);
        try {
            long p = cdf.positives;
            long n = cdf.negatives;
            double[] sums = cdf.rows.map(r -> {
                long pos = r.getLong(1);
                long neg = r.getLong(2);
                long tp = p - r.getLong(3);
                long fp = n - r.getLong(4);
                // 2·(anomaly-normal pairs ordered correctly) + ties, exact in long
                double twice = (double) (pos * (2 * r.getLong(4) + neg));
                double ap = pos == 0 ? 0 : (double) pos / p * tp / (tp + fp);
                return new double[] {twice, ap};
            }).fold(new double[2], (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            return new Result(sums[0] / 2 / ((double) p * n), sums[1], p, n);
        } finally {
            cdf.rows.unpersist(false);
        }
    }

    /**
     * AUROC of the normals against each anomaly class on its own.
     *
     * @param df       rows
     * @param scoreCol score
     * @param labelCol 0 normal, 1 anomaly
     * @param classCol the anomaly's class
     * @return class → AUROC (normals vs that class), sorted by class
     */
    public static Map<String, Double> aurocPerClass(Dataset<Row> df, String scoreCol, String labelCol,
            String classCol) {
        Cdf cdf = cdf(df, scoreCol, labelCol);
        try {
            Dataset<Row> table = df.sparkSession().createDataFrame(cdf.rows, CDF);
            Dataset<Row> anomalies = df.where(col(labelCol).equalTo(1))
                    .select(col(classCol).cast("string").as("cls"), col(scoreCol).cast("double").as("score"));
            double n = cdf.negatives;
            Map<String, Double> out = new TreeMap<>();
            for (Row r : anomalies.join(table, "score").groupBy("cls")
                    .agg(sum(col("neg_below").plus(col("neg").multiply(0.5))), count(lit(1))).collectAsList()) {
                out.put(r.isNullAt(0) ? "null" : r.getString(0), r.getDouble(1) / (r.getLong(2) * n));
            }
            return out;
        } finally {
            cdf.rows.unpersist(false);
        }
    }

    private static Cdf cdf(Dataset<Row> df, String scoreCol, String labelCol) {
        SampleSchema.require(df, scoreCol, labelCol);
        var label = col(labelCol).cast("int");
        JavaRDD<Row> sorted = df.select(col(scoreCol).cast("double").as("s"), label.as("y"))
                .groupBy("s")
                .agg(sum(when(col("y").equalTo(1), 1L).otherwise(0L)).as("pos"),
                        sum(when(col("y").equalTo(0), 1L).otherwise(0L)).as("neg"),
                        sum(when(col("y").isin(0, 1), 0L).otherwise(1L)).as("bad"))
                .orderBy("s").javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
        List<long[]> parts = partitionTotals(sorted);
        parts.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] posBefore = new long[parts.size() + 1];
        long[] negBefore = new long[parts.size() + 1];
        long bad = 0;
        long nan = 0;
        for (int i = 0; i < parts.size(); i++) {
            posBefore[i + 1] = posBefore[i] + parts.get(i)[1];
            negBefore[i + 1] = negBefore[i] + parts.get(i)[2];
            bad += parts.get(i)[3];
            nan += parts.get(i)[4];
        }
        long p = posBefore[parts.size()];
        long n = negBefore[parts.size()];
        try {
            check(labelCol, scoreCol, bad, nan, p, n);
        } catch (RuntimeException e) {
            sorted.unpersist(false);
            throw e;
        }
        JavaRDD<Row> rows = sorted.mapPartitionsWithIndex((idx, it) -> scan(it, posBefore[idx], negBefore[idx],
                posBefore[idx + 1], negBefore[idx + 1]), true).persist(StorageLevel.MEMORY_AND_DISK());
        rows.count();
        sorted.unpersist(false);
        return new Cdf(rows, p, n);
    }

    /** Pass 1: per partition {index, anomalies, normals, bad labels, NaN/null scores}; one row per partition. */
    private static List<long[]> partitionTotals(JavaRDD<Row> sorted) {
        return new ArrayList<>(sorted.mapPartitionsWithIndex((idx, it) -> {
            long[] t = new long[] {idx, 0, 0, 0, 0};
            it.forEachRemaining(r -> {
                t[1] += r.getLong(1);
                t[2] += r.getLong(2);
                t[3] += r.getLong(3);
                t[4] += r.isNullAt(0) || Double.isNaN(r.getDouble(0)) ? r.getLong(1) + r.getLong(2) + r.getLong(3)
                        : 0;
            });
            return List.of(t).iterator();
        }, true).collect());
    }

    /** Walks one sorted partition lazily, attaching the counts strictly below each score. */
    private static Iterator<Row> scan(Iterator<Row> it, long pos0, long neg0, long posEnd, long negEnd) {
        return new Iterator<>() {
            private long posBelow = pos0;
            private long negBelow = neg0;

            @Override
            public boolean hasNext() {
                if (it.hasNext()) {
                    return true;
                }
                if (posBelow != posEnd || negBelow != negEnd) {
                    // the partition was recomputed differently between passes: never return a wrong metric
                    throw new IllegalStateException("score partitions changed between passes; retry");
                }
                return false;
            }

            @Override
            public Row next() {
                Row r = it.next();
                long pos = r.getLong(1);
                long neg = r.getLong(2);
                Row out = RowFactory.create(r.getDouble(0), pos, neg, posBelow, negBelow);
                posBelow += pos;
                negBelow += neg;
                return out;
            }
        };
    }

    private static void check(String labelCol, String scoreCol, long bad, long nan, long p, long n) {
        if (bad > 0) {
            throw new InvalidInputException(labelCol + " must be 0 (normal) or 1 (anomaly); " + bad
                    + " rows have another value or null");
        }
        if (nan > 0) {
            throw new InvalidInputException(scoreCol + " is NaN or null in " + nan + " rows");
        }
        if (p == 0 || n == 0) {
            throw new InvalidInputException("AUROC needs both classes; found " + p + " anomalies and " + n
                    + " normals");
        }
    }
}
