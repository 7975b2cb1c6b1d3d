package io.kka.loop;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.store.RunLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The anomaly set of iteration t and how it came about (Eq. 8's update).
 *
 * @param set           A_t (unscored by E_t yet)
 * @param added         members added this iteration
 * @param removed       members removed this iteration
 * @param newGeneration hard/easy of the new generation G_t judged by E_{t-1} (null at t = 0)
 */
record Update(Dataset<Row> set, long added, long removed, ObjectNode newGeneration) {

    /** A_0: the usable first generation (capped at selection.anomaly_set_size if set). */
    static Update initial(JobConfig cfg, Dataset<Row> generated, long seed) {
        Dataset<Row> set = AnomalySetUpdater.of(cfg.run().mode(), cfg.selection().anomalySetSize(), seed)
                .initial(generated);
        return new Update(set, set.count(), 0, null);
    }

    /**
     * A_t from A_{t-1} and G_t: the previous evaluator E_{t-1} and its threshold judge which new anomalies are
     * hard; add injects them, replace swaps them for easy members.
     */
    static Update next(SparkSession spark, JobConfig cfg, Stages stages, RunLayout layout, int t,
            Dataset<Row> generated, long seed, Checkpoints checkpoints) {
        Evaluator previous = stages.load(layout.iteration(t - 1, "evaluator"));
        HardAnomalySelector sel = HardAnomalySelector.withThreshold(cfg.selection(),
                checkpoints.record(t - 1).path("threshold").asDouble());
        Dataset<Row> candidates = sel.select(EvaluateStep.score(previous, AnomalySetUpdater.usable(generated)))
                .cache();
        Dataset<Row> before = spark.read().parquet(layout.iteration(t - 1, "anomaly_set"));
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(cfg.run().mode(), cfg.selection().anomalySetSize(), seed)
                .update(before, candidates);
        long hard = candidates.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD)).count();
        long easy = candidates.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.EASY)).count();
        ObjectNode g = Metrics.JSON.createObjectNode();
        g.put("hard", hard);
        g.put("easy", easy);
        g.put("hard_fraction", Metrics.fraction(hard, easy));
        return new Update(u.set(), u.added(), u.removed(), g);
    }
}
