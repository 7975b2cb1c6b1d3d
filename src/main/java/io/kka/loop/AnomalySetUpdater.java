package io.kka.loop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.udf;

import io.kka.config.RunConfig;
import io.kka.data.Columns;
import io.kka.data.SplitHash;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Eq. 8's update of the anomaly set, in the paper's two modes.
 *
 * <ul>
 *   <li><b>add</b>: inject the newly generated <em>hard</em> anomalies (judged by the previous evaluator);
 *       the set grows and its hard fraction rises.</li>
 *   <li><b>replace</b>: keep the size fixed; m = min(#easy members, #new hard anomalies) seeded-random easy
 *       members are replaced by m seeded-random new hard anomalies.</li>
 * </ul>
 * Only usable generated rows (an image and no error) ever enter the set. All choices are seeded hashes of sample
 * ids, so they do not depend on partitioning.
 */
public final class AnomalySetUpdater {
    private final RunConfig.UpdateMode mode;
    private final int maxInitial;
    private final long seed;

    private AnomalySetUpdater(RunConfig.UpdateMode mode, int maxInitial, long seed) {
        this.mode = mode;
        this.maxInitial = maxInitial;
        this.seed = seed;
    }

    /**
     * @param mode       add or replace
     * @param maxInitial cap of the initial set (selection.anomaly_set_size; 0 = no cap)
     * @param seed       the iteration's seed
     * @return the stage
     */
    public static AnomalySetUpdater of(RunConfig.UpdateMode mode, int maxInitial, long seed) {
        return new AnomalySetUpdater(mode, maxInitial, seed);
    }

    /**
     * The result of an update.
     *
     * @param set     the new anomaly set
     * @param added   members added
     * @param removed members removed
     */
    public record Update(Dataset<Row> set, long added, long removed) {
    }

    /** @return the usable rows of a generated frame */
    public static Dataset<Row> usable(Dataset<Row> generated) {
        return generated.filter(col(Columns.IMAGE).isNotNull().and(col(Columns.ERROR).isNull()));
    }

    /**
     * @param generated the first generation G_0
     * @return A_0: its usable rows, capped (seeded) at selection.anomaly_set_size when that is set
     */
    public Dataset<Row> initial(Dataset<Row> generated) {
        Dataset<Row> ok = usable(generated);
        return maxInitial <= 0 ? ok : firstBySeed(ok, maxInitial, "initial");
    }

    /**
     * @param previous   A_{t-1}, with hardness from the previous evaluator
     * @param candidates G_t, with hardness from the previous evaluator
     * @return A_t
     */
    public Update update(Dataset<Row> previous, Dataset<Row> candidates) {
        Dataset<Row> newHard = usable(candidates).filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD));
        if (mode == RunConfig.UpdateMode.ADD) {
            long added = newHard.count();
            return new Update(previous.unionByName(newHard), added, 0);
        }
        Dataset<Row> easy = previous.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.EASY));
        long m = Math.min(easy.count(), newHard.count());
        if (m == 0) {
            return new Update(previous, 0, 0);
        }
        Dataset<Row> removed = firstBySeed(easy, m, "remove").select(col(Columns.SAMPLE_ID));
        Dataset<Row> kept = previous.join(removed, previous.col(Columns.SAMPLE_ID).equalTo(removed.col(Columns.SAMPLE_ID)),
                "left_anti");
        Dataset<Row> added = firstBySeed(newHard, m, "add");
        return new Update(kept.unionByName(added), m, m);
    }

    private Dataset<Row> firstBySeed(Dataset<Row> df, long n, String salt) {
        long s = seed;
        var key = udf((String id) -> SplitHash.unit(id, s, salt), DataTypes.DoubleType);
        Column k = key.apply(col(Columns.SAMPLE_ID));
        Dataset<Row> keyed = df.withColumn("_k", k);
        // distributed top-n: the n-th smallest key is the cut-off (hash keys are 53-bit: ties are negligible)
        Row cut = keyed.select(col("_k")).orderBy(col("_k")).limit((int) Math.min(n, Integer.MAX_VALUE))
                .agg(max(col("_k"))).first();
        if (cut.isNullAt(0)) {
            return keyed.limit(0).drop("_k");
        }
        return keyed.filter(col("_k").leq(cut.getDouble(0))).drop("_k");
    }
}
