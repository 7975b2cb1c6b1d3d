package io.kka.loop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

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

    private final SelectionConfig cfg;
    private final double threshold;

    private HardAnomalySelector(SelectionConfig cfg, double threshold) {
        this.cfg = cfg;
        this.threshold = threshold;
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
        double t;
        if (cfg.threshold() == SelectionConfig.ThresholdRule.MAX) {
            Row r = val.agg(max(col(Columns.SCORE))).first();
            if (r.isNullAt(0)) {
                throw new IllegalStateException("no scored validation normals (role=normal, split=val): the hard"
                        + " threshold cannot be set; raise task.val_fraction");
            }
            t = r.getDouble(0);
        } else {
            double[] q = val.stat().approxQuantile(Columns.SCORE, new double[] {cfg.quantile()}, 0.0);
            if (q.length == 0 || Double.isNaN(q[0])) {
                throw new IllegalStateException("no scored validation normals (role=normal, split=val): the hard"
                        + " threshold cannot be set; raise task.val_fraction");
            }
            t = q[0];
        }
        return new HardAnomalySelector(cfg, t);
    }

    /**
     * @param cfg       selection config
     * @param threshold a threshold fitted earlier (read back from a committed iteration)
     * @return a selector with that threshold
     */
    public static HardAnomalySelector withThreshold(SelectionConfig cfg, double threshold) {
        return new HardAnomalySelector(cfg, threshold);
    }

    /** @return the threshold: scores strictly below it are hard */
    public double threshold() {
        return threshold;
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
