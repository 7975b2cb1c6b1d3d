package io.kka.loop;

import io.kka.tune.PreferencePair;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.SplitHash;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds the DPO preference pairs of one iteration (Eq. 7) from scored generated anomalies.
 *
 * <p>Pairing rule (seeded, documented in README): take the distinct descriptions of hard anomalies H and of easy
 * anomalies E (a description with several images takes the majority side of its images; a tie is dropped as
 * ambiguous); order each set by a seeded
 * hash of the description; make n = min(selection.pairs_per_iteration, max(|H|, |E|)) pairs, pair k being
 * (H[k mod |H|], E[k mod |E|]). The prompt of a pair is the prompt that produced its chosen description. No pairs
 * are made when H or E is empty. At most 2n descriptions reach the driver.
 */
public final class PreferencePairs {
    private final SelectionConfig cfg;
    private final long seed;

    private PreferencePairs(SelectionConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    /**
     * @param cfg  selection config (pairs_per_iteration)
     * @param seed the iteration's seed
     * @return the stage
     */
    public static PreferencePairs of(SelectionConfig cfg, long seed) {
        return new PreferencePairs(cfg, seed);
    }

    /**
     * @param scored  generated rows with caption (the description), prompt_id and hardness
     * @param prompts prompt rows (prompt_id, system, prompt)
     * @return the pairs, in pairing order
     */
    public List<PreferencePair> pairs(Dataset<Row> scored, Dataset<Row> prompts) {
        Dataset<Row> byText = scored.filter(col(Columns.HARDNESS).isNotNull().and(col(Columns.CAPTION).isNotNull()))
                .groupBy(col(Columns.CAPTION))
                .agg(sum(when(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD), 1).otherwise(-1)).as("vote"),
                        min(col(Columns.PROMPT_ID)).as(Columns.PROMPT_ID))
                .filter(col("vote").notEqual(0))
                .withColumn("h", when(col("vote").gt(0), lit(HardAnomalySelector.HARD))
                        .otherwise(lit(HardAnomalySelector.EASY)));
        long s = seed;
        var key = udf((String text) -> SplitHash.unit(Integer.toHexString(text.hashCode()) + text, s, "pairs"),
                DataTypes.DoubleType);
        Dataset<Row> ranked = byText.withColumn("k", key.apply(col(Columns.CAPTION)))
                .withColumn("rank", row_number().over(Window.partitionBy(col("h")).orderBy(col("k"),
                        col(Columns.CAPTION))));
        long nHard = ranked.filter(col("h").equalTo(HardAnomalySelector.HARD)).count();
        long nEasy = ranked.filter(col("h").equalTo(HardAnomalySelector.EASY)).count();
        if (nHard == 0 || nEasy == 0) {
            return List.of();
        }
        int n = (int) Math.min(cfg.pairsPerIteration(), Math.max(nHard, nEasy));
        Dataset<Row> joined = ranked.filter(col("rank").leq(n))
                .join(prompts.select(col("prompt_id"), col("system"), col("prompt"), col("examples")), Columns.PROMPT_ID,
                        "left")
                .orderBy(col("h"), col("rank"));
        List<Row> hard = new ArrayList<>();
        List<String> easy = new ArrayList<>();
        for (Row r : joined.select(col("h"), col(Columns.CAPTION), col("system"), col("prompt"), col("examples"))
                .collectAsList()) {
            if (HardAnomalySelector.HARD.equals(r.getString(0))) {
                hard.add(r);
            } else {
                easy.add(r.getString(1));
            }
        }
        List<PreferencePair> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Row h = hard.get(k % hard.size());
            out.add(new PreferencePair(h.getString(2), h.isNullAt(3) ? "" : h.getString(3), h.getString(1),
                    easy.get(k % easy.size()), h.isNullAt(4) ? List.of() : h.getList(4)));
        }
        return out;
    }
}
