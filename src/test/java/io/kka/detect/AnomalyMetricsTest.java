package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AnomalyMetricsTest {
    private static final StructType SCHEMA = new StructType().add("score", DataTypes.DoubleType, true)
            .add("label", DataTypes.IntegerType, true).add("cls", DataTypes.StringType, true);

    private static Dataset<Row> frame(double[] s, int[] y, String[] cls, int partitions) {
        SparkSession spark = SparkTestSession.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            rows.add(RowFactory.create(s[i], y[i], cls[i]));
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    /** Pairwise count with ties = ½. */
    static double bruteAuroc(double[] s, int[] y, String[] cls, String only) {
        double num = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i] != 1 || (only != null && !only.equals(cls[i]))) {
                continue;
            }
            for (int j = 0; j < s.length; j++) {
                if (y[j] == 0) {
                    num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return num / pairs;
    }

    /** scikit-learn's average_precision_score, written out plainly on the driver. */
    static double bruteAp(double[] s, int[] y) {
        double[] thresholds = Arrays.stream(s).distinct().sorted().toArray();
        long p = Arrays.stream(y).filter(v -> v == 1).count();
        double ap = 0;
        double prevRecall = 0;
        for (int t = thresholds.length - 1; t >= 0; t--) {
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= thresholds[t]) {
                    tp += y[i];
                    fp += 1 - y[i];
                }
            }
            double recall = (double) tp / p;
            ap += (recall - prevRecall) * tp / (tp + fp);
            prevRecall = recall;
        }
        return ap;
    }

    @Test
    void matchesBruteForceWithManyTies() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 2; trial++) {
            int n = 150 + rnd.nextInt(150);
            double[] s = new double[n];
            int[] y = new int[n];
            String[] cls = new String[n];
            for (int i = 0; i < n; i++) {
                y[i] = rnd.nextInt(3) == 0 ? 1 : 0;
                // few distinct values: many ties inside and across classes
                s[i] = rnd.nextInt(8 + trial * 5) + (y[i] == 1 ? rnd.nextInt(3) : 0);
                cls[i] = y[i] == 1 ? "c" + rnd.nextInt(3) : "normal";
            }
            Dataset<Row> df = frame(s, y, cls, 1 + trial);
            AnomalyMetrics.Result r = AnomalyMetrics.of(df, "score", "label");
            assertEquals(bruteAuroc(s, y, cls, null), r.auroc(), 1e-12);
            assertEquals(bruteAp(s, y), r.auprc(), 1e-12);
            assertEquals(Arrays.stream(y).sum(), r.anomalies());
            Map<String, Double> perClass = AnomalyMetrics.aurocPerClass(df, "score", "label", "cls");
            Map<String, Double> expected = new TreeMap<>();
            for (String c : new String[] {"c0", "c1", "c2"}) {
                if (Arrays.asList(cls).contains(c)) {
                    expected.put(c, bruteAuroc(s, y, cls, c));
                }
            }
            assertEquals(expected.keySet(), perClass.keySet());
            expected.forEach((c, v) -> assertEquals(v, perClass.get(c), 1e-12, c));
        }
    }

    @Test
    void perfectAndReversedAndAllTied() {
        double[] s = {1, 2, 3, 4};
        String[] cls = {"n", "n", "a", "a"};
        assertEquals(1.0, AnomalyMetrics.of(frame(s, new int[] {0, 0, 1, 1}, cls, 2), "score", "label").auroc());
        AnomalyMetrics.Result rev = AnomalyMetrics.of(frame(s, new int[] {1, 1, 0, 0}, cls, 2), "score", "label");
        assertEquals(0.0, rev.auroc());
        assertEquals(bruteAp(s, new int[] {1, 1, 0, 0}), rev.auprc(), 1e-15);
        AnomalyMetrics.Result tied = AnomalyMetrics.of(frame(new double[] {5, 5, 5, 5}, new int[] {0, 1, 0, 1}, cls,
                2), "score", "label");
        assertEquals(0.5, tied.auroc());
        assertEquals(0.5, tied.auprc());
    }

    @Test
    void rejectsBadInput() {
        String[] cls = {"n", "a", "a"};
        var e = assertThrows(InvalidInputException.class, () -> AnomalyMetrics.of(
                frame(new double[] {1, 2, 3}, new int[] {0, 1, 2}, cls, 1), "score", "label"));
        assertTrue(e.getMessage().contains("label must be 0 (normal) or 1 (anomaly); 1 rows"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> AnomalyMetrics.of(
                frame(new double[] {1, Double.NaN, 3}, new int[] {0, 1, 1}, cls, 1), "score", "label"));
        assertTrue(e.getMessage().contains("NaN or null in 1 rows"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> AnomalyMetrics.of(
                frame(new double[] {1, 2, 3}, new int[] {1, 1, 1}, cls, 1), "score", "label"));
        assertTrue(e.getMessage().contains("found 3 anomalies and 0 normals"), e.getMessage());
    }

    @Test
    void studentQuantilesAndSummary() {
        Map<Double, Double> t975 = new HashMap<>(Map.of(1.0, 12.706204736, 2.0, 4.302652730, 4.0, 2.776445105,
                9.0, 2.262157163, 29.0, 2.045229642, 1000.0, 1.962339081));
        // the table values t(0.975, df) reach the summary through its ci95 = t·std/√n
        t975.forEach((df, q) -> {
            double[] v = new double[(int) Math.round(df) + 1];
            v[0] = 1;
            TaskSummary s = TaskSummary.of(v);
            assertEquals(q * s.std() / Math.sqrt(v.length), s.ci95(), 1e-7 * s.std(), "df " + df);
        });
        TaskSummary s = TaskSummary.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-12);
        assertEquals(3.182446305 * Math.sqrt(5.0 / 3) / 2, s.ci95(), 1e-7);
        assertTrue(Double.isNaN(TaskSummary.of(0.9).ci95()));
    }
}
