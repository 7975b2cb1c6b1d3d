package io.kka.loop;

import io.kka.config.JobConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The anomaly set of iteration t and how it came about (Eq. 8's update).
 *
 * @param set     A_t (not yet scored by E_t)
 * @param added   members added this iteration
 * @param removed members removed this iteration
 */
record Update(Dataset<Row> set, long added, long removed) {

    /**
     * A_0: the usable first generation (capped at selection.anomaly_set_size if set).
     *
     * @param judged G_0 judged by the baseline E_{-1}
     */
    static Update initial(IterationContext ctx, Dataset<Row> judged) {
        JobConfig cfg = ctx.cfg();
        Dataset<Row> set = AnomalySetUpdater.of(cfg.run().mode(), cfg.selection(), ctx.seed()).initial(judged);
        return new Update(set, set.count(), 0);
    }

    /**
     * A_t from A_{t-1} (labelled by E_{t-1} in sample) and G_t judged by E_{t-1}: add injects the new hard
     * anomalies; replace swaps them for members E_{t-1} found easy.
     *
     * @param judged usable rows of G_t with E_{t-1}'s score and hardness
     */
    static Update next(IterationContext ctx, Dataset<Row> judged) {
        JobConfig cfg = ctx.cfg();
        Dataset<Row> before = ctx.spark().read().parquet(ctx.layout().iteration(ctx.t() - 1, "anomaly_set"));
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(cfg.run().mode(), cfg.selection(), ctx.seed())
                .update(before, judged);
        return new Update(u.set(), u.added(), u.removed());
    }
}
