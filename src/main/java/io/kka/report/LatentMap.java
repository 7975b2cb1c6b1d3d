package io.kka.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A bounded, seeded sample of the 2-D projection of the evaluator's latent space (the paper's Figure 5), grouped
 * by kind: normal, generated, test_normal, test_anomaly. The projection is written by the run (at most a few
 * thousand rows); the report still caps what it draws.
 */
final class LatentMap {
    /** the kinds, in drawing order (later kinds are drawn on top) */
    static final String[] KINDS = {"test_normal", "normal", "generated", "test_anomaly"};

    private final int maxPoints;
    private final long seed;

    private LatentMap(int maxPoints, long seed) {
        this.maxPoints = maxPoints;
        this.seed = seed;
    }

    /**
     * @param maxPoints most points drawn, 1 to 20000 (the report uses 4000)
     * @param seed      sampling seed
     * @return a sampler
     */
    static LatentMap of(int maxPoints, long seed) {
        if (maxPoints < 1 || maxPoints > 20000) {
            throw new IllegalArgumentException("maxPoints must be in [1, 20000], found " + maxPoints);
        }
        return new LatentMap(maxPoints, seed);
    }

    /**
     * The sampled points.
     *
     * @param points kind → {xs, ys}, every kind of {@link #KINDS} present (possibly empty)
     * @param total  rows in the table with finite coordinates
     */
    record Result(Map<String, double[][]> points, long total) {
        /** @return the number of points sampled */
        int drawn() {
            int n = 0;
            for (double[][] p : points.values()) {
                n += p[0].length;
            }
            return n;
        }
    }

    /**
     * @param latent the latent table (sample_id, kind, x, y)
     * @return the sample
     */
    Result sample(Dataset<Row> latent) {
        Dataset<Row> ok = latent.select(col("sample_id"), col("kind"), col("x").cast("double").as("x"),
                        col("y").cast("double").as("y"))
                .filter(col("kind").isin((Object[]) KINDS).and(ScoreHistogram.finite(col("x")))
                        .and(ScoreHistogram.finite(col("y"))));
        long total = ok.count();
        List<Row> rows = ok.orderBy(xxhash64(lit(seed), col("sample_id")), col("sample_id")).limit(maxPoints)
                .select("kind", "x", "y").collectAsList();
        Map<String, List<double[]>> byKind = new LinkedHashMap<>();
        for (String k : KINDS) {
            byKind.put(k, new ArrayList<>());
        }
        for (Row r : rows) {
            byKind.get(r.getString(0)).add(new double[] {r.getDouble(1), r.getDouble(2)});
        }
        Map<String, double[][]> points = new LinkedHashMap<>();
        byKind.forEach((k, list) -> {
            double[][] p = new double[2][list.size()];
            for (int i = 0; i < list.size(); i++) {
                p[0][i] = list.get(i)[0];
                p[1][i] = list.get(i)[1];
            }
            points.put(k, p);
        });
        return new Result(points, total);
    }
}
