package io.kka.loop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.data.SampleSchema;
import io.kka.data.Split;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Eq. 6: a generated anomaly is <em>hard</em> if its evaluator score (squared distance to c) is below the
 * threshold set by the held-out validation normals — their maximum, as in the paper, or a quantile — and
 * <em>easy</em> otherwise.
 *
 * <p>The threshold is computed from rows with role {@code normal} and split {@code val} only: test rows, even when
 * present in the frame, never influence it (the reference code used the test set's normal scores — a leak).
 */
public final class HardAnomalySelector {
    /** hardness value of a hard anomaly */
    public static final String HARD = "hard";
    /** hardness value of an easy anomaly */
    public static final String EASY = "easy";

    /** quantiles at which every fit also records the threshold, to show how the hard fraction depends on the rule */
    static final double[] LEVELS = {0.5, 0.8, 0.9, 0.95, 0.99};

    private final SelectionConfig cfg;
    private final double threshold;
    private final Map<String, Double> levels;

    private HardAnomalySelector(SelectionConfig cfg, double threshold, Map<String, Double> levels) {
        this.cfg = cfg;
        this.threshold = threshold;
        this.levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }

    /**
     * Fits the threshold on the validation normals of a scored frame.
     *
     * @param cfg    selection config (threshold rule, quantile)
     * @param scored a frame with role, split and score; only role=normal, split=val rows are read
     * @return the fitted selector
     * @throws IllegalStateException if the frame holds no scored validation normals
     */
    public static HardAnomalySelector fit(SelectionConfig cfg, Dataset<Row> scored) {
        SampleSchema.require(scored, Columns.ROLE, Columns.SPLIT, Columns.SCORE);
        Dataset<Row> val = scored.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                .and(col(Columns.SPLIT).equalTo(Split.VAL.value())).and(col(Columns.SCORE).isNotNull()));
        Row r = val.agg(max(col(Columns.SCORE))).first();
        if (r.isNullAt(0)) {
            throw new IllegalStateException("no scored validation normals (role=normal, split=val): the hard"
                    + " threshold cannot be set; raise task.val_fraction");
        }
        double[] probs = Arrays.copyOf(LEVELS, LEVELS.length + 1);
        probs[LEVELS.length] = cfg.quantile();
        // exact quantiles (relative error 0): the validation split is small (hundreds to thousands of rows)
        double[] q = val.stat().approxQuantile(Columns.SCORE, probs, 0.0);
        Map<String, Double> levels = new LinkedHashMap<>();
        for (int i = 0; i < LEVELS.length; i++) {
            levels.put(level(LEVELS[i]), q[i]);
        }
        levels.put("max", r.getDouble(0));
        double t = cfg.threshold() == SelectionConfig.ThresholdRule.MAX ? r.getDouble(0) : q[LEVELS.length];
        return new HardAnomalySelector(cfg, t, levels);
    }

    /** @return the name of a quantile level, e.g. "q0.95" */
    static String level(double p) {
        return "q" + BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }

    /**
     * @param cfg       selection config
     * @param threshold a threshold fitted earlier (read back from a committed iteration)
     * @param levels    the threshold at other rules, fitted with it (may be empty)
     * @return a selector with that threshold
     */
    public static HardAnomalySelector withThreshold(SelectionConfig cfg, double threshold, Map<String, Double> levels) {
        return new HardAnomalySelector(cfg, threshold, levels);
    }

    /** @return the threshold: scores strictly below it are hard */
    public double threshold() {
        return threshold;
    }

    /**
     * @return the threshold under other rules, from the same validation scores: "q0.5" … "q0.99" and "max" (for
     *         the sensitivity of the hard fraction to the rule; no decision reads them)
     */
    public Map<String, Double> levels() {
        return levels;
    }

    /** @return the config used */
    public SelectionConfig config() {
        return cfg;
    }

    /**
     * @param scoredGenerated generated rows with a score (rows without a score, e.g. error rows, get null)
     * @return the rows with {@code hardness} set to hard or easy
     */
    public Dataset<Row> select(Dataset<Row> scoredGenerated) {
        SampleSchema.require(scoredGenerated, Columns.SCORE);
        var hardness = when(col(Columns.SCORE).isNull(), lit(null).cast("string"))
                .when(col(Columns.SCORE).lt(threshold), lit(HARD))
                .otherwise(lit(EASY));
        return scoredGenerated.withColumn(Columns.HARDNESS, hardness);
    }
}
