package io.kka.loop;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import io.kka.config.RunConfig;
import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.SplitHash;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Eq. 8's update of the anomaly set, in the paper's two modes. The candidates G_t are judged by E_{t-1}, which
 * has not seen them; the members of A_{t-1} carry E_{t-1}'s view of them after training on them (easy = separated).
 *
 * <ul>
 *   <li><b>add</b>: inject the new hard anomalies; the set grows and its hard fraction rises.</li>
 *   <li><b>replace</b>: keep the size fixed; m = min(#easy members, #new hard anomalies,
 *       selection.max_replace_fraction × size) easy members are replaced by m of the new hard anomalies.</li>
 * </ul>
 * With {@code selection.spread: class} the entering anomalies are taken round-robin over their class (seeded
 * within each class) and the leaving ones from the most numerous classes first, so a class the generator favours
 * cannot crowd out the others; with {@code random} both are seeded random choices, as in the paper. The ablation {@code selection.update: random} takes as many entering
 * anomalies as KKA would, but at random among all new usable ones, and removes random members.
 * Only usable generated rows (an image and no error) ever enter the set. All choices are seeded hashes of sample
 * ids, so they do not depend on partitioning.
 */
public final class AnomalySetUpdater {
    private final RunConfig.UpdateMode mode;
    private final SelectionConfig selection;
    private final long seed;

    private AnomalySetUpdater(RunConfig.UpdateMode mode, SelectionConfig selection, long seed) {
        this.mode = mode;
        this.selection = selection;
        this.seed = seed;
    }

    /**
     * @param mode      add or replace
     * @param selection anomaly_set_size (cap of the initial set; 0 = no cap), update rule and spread
     * @param seed      the iteration's seed
     * @return the stage
     */
    public static AnomalySetUpdater of(RunConfig.UpdateMode mode, SelectionConfig selection, long seed) {
        return new AnomalySetUpdater(mode, selection, seed);
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
     * @param judged the first generation G_0
     * @return A_0: its usable rows less the held-out share (selection.held_out_fraction, seeded by sample id),
     *         capped at selection.anomaly_set_size when that is set (seeded; spread over classes like every entry)
     */
    public Dataset<Row> initial(Dataset<Row> judged) {
        Dataset<Row> ok = usable(judged).withColumn("_h", key("held-out"))
                .filter(col("_h").geq(selection.heldOutFraction())).drop("_h");
        return selection.anomalySetSize() <= 0 ? ok : choose(ok, selection.anomalySetSize(), "initial");
    }

    /**
     * @param previous   A_{t-1}, with E_{t-1}'s in-sample hardness
     * @param candidates G_t, judged by E_{t-1}
     * @return A_t
     */
    public Update update(Dataset<Row> previous, Dataset<Row> candidates) {
        Dataset<Row> fresh = usable(candidates);
        Dataset<Row> newHard = fresh.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD));
        boolean random = selection.update() == SelectionConfig.UpdateRule.RANDOM;
        if (mode == RunConfig.UpdateMode.ADD) {
            long n = newHard.count();
            Dataset<Row> added = random ? firstBySeed(fresh, n, "add-random") : newHard;
            return new Update(previous.unionByName(added), n, 0);
        }
        Dataset<Row> easy = previous.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.EASY));
        long size = previous.count();
        long m = Math.min(Math.min(easy.count(), newHard.count()),
                (long) Math.floor(selection.maxReplaceFraction() * size + 1e-9));
        if (m == 0) {
            return new Update(previous, 0, 0);
        }
        Dataset<Row> removed = (random ? firstBySeed(previous, m, "remove-random") : leaving(previous, easy, m))
                .select(col(Columns.SAMPLE_ID));
        Dataset<Row> kept = previous.join(removed, previous.col(Columns.SAMPLE_ID).equalTo(removed.col(Columns.SAMPLE_ID)),
                "left_anti");
        Dataset<Row> added = random ? firstBySeed(fresh, m, "add-random") : choose(newHard, m, "add");
        return new Update(kept.unionByName(added), m, m);
    }

    /**
     * The leaving members: m easy ones, with selection.spread: class taken one at a time from the class that has the
     * most members at that point (seeded within each class), so that replacing thins out the most numerous classes
     * rather than the rare ones; with random, a seeded random choice among the easy members.
     */
    private Dataset<Row> leaving(Dataset<Row> previous, Dataset<Row> easy, long m) {
        if (selection.spread() == SelectionConfig.Spread.RANDOM) {
            return firstBySeed(easy, m, "remove");
        }
        Column cls = coalesce(col(Columns.CLASS_NAME), lit(""));
        java.util.Map<String, long[]> counts = new java.util.TreeMap<>(); // class -> {members, easy members}
        for (Row r : previous.groupBy(cls.as("c")).agg(org.apache.spark.sql.functions.count(lit(1)),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(
                        col(Columns.HARDNESS).equalTo(HardAnomalySelector.EASY), 1).otherwise(0))).collectAsList()) {
            counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        }
        java.util.Map<String, Long> quota = new java.util.TreeMap<>();
        for (long i = 0; i < m; i++) {
            String pick = null;
            for (java.util.Map.Entry<String, long[]> e : counts.entrySet()) {
                boolean left = e.getValue()[1] > quota.getOrDefault(e.getKey(), 0L);
                if (left && (pick == null || e.getValue()[0] > counts.get(pick)[0])) {
                    pick = e.getKey();
                }
            }
            quota.merge(pick, 1L, Long::sum);
            counts.get(pick)[0]--;
        }
        java.util.Map<String, Long> q = java.util.Map.copyOf(quota);
        var within = udf((String c, Integer rank) -> rank <= q.getOrDefault(c, 0L), DataTypes.BooleanType);
        return easy.withColumn("_k", key("remove"))
                .withColumn("_r", row_number().over(Window.partitionBy(cls).orderBy(col("_k"), col(Columns.SAMPLE_ID))))
                .filter(within.apply(cls, col("_r"))).drop("_k", "_r");
    }

    /** The entering rows: round-robin over class (selection.spread: class) or seeded random. */
    private Dataset<Row> choose(Dataset<Row> df, long n, String salt) {
        if (selection.spread() == SelectionConfig.Spread.RANDOM) {
            return firstBySeed(df, n, salt);
        }
        Column k = key(salt);
        // rank within the class, then the seeded key: the n smallest (rank + key) take every class's first
        // member, then every class's second, ... (rows without a class form one group)
        Dataset<Row> ranked = df.withColumn("_k", k).withColumn("_r", row_number().over(Window.partitionBy(
                coalesce(col(Columns.CLASS_NAME), lit(""))).orderBy(col("_k"), col(Columns.SAMPLE_ID))))
                .withColumn("_k", col("_r").plus(col("_k"))).drop("_r");
        return cut(ranked, n);
    }

    private Column key(String salt) {
        long s = seed;
        var key = udf((String id) -> SplitHash.unit(id, s, salt), DataTypes.DoubleType);
        return key.apply(col(Columns.SAMPLE_ID));
    }

    private Dataset<Row> firstBySeed(Dataset<Row> df, long n, String salt) {
        return cut(df.withColumn("_k", key(salt)), n);
    }

    /** @return the n rows with the smallest {@code _k} (distributed top-n: the n-th smallest key is the cut-off) */
    private static Dataset<Row> cut(Dataset<Row> keyed, long n) {
        // hash keys are 53-bit: ties are negligible
        Row cut = keyed.select(col("_k")).orderBy(col("_k")).limit((int) Math.min(n, Integer.MAX_VALUE))
                .agg(max(col("_k"))).first();
        if (cut.isNullAt(0)) {
            return keyed.limit(0).drop("_k");
        }
        return keyed.filter(col("_k").leq(cut.getDouble(0))).drop("_k");
    }
}
