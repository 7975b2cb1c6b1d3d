package io.kka.loop;

import io.kka.tune.ModelRef;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kka.data.Columns;
import io.kka.store.Fs;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 8 measured: does this iteration's DPO make the language model write more hard anomalies? The prompts of
 * iteration t (same rows, same seeds) are sampled once more from the model before the DPO that produced LM_t
 * (LM_{t-1}), rendered, and judged by the same held-out evaluator E_{t-1} as the new generation G_t. The paper's
 * claim is N_hard(after) &gt; N_hard(before): {@code ratio = hard(after) / hard(before)}, with a 95% interval from
 * a paired bootstrap over prompts (2,000 seeded resamples of the prompt ids; the ratio of sums of each).
 * The "before" generation is written to {@code dpo_effect/} for inspection; it never enters the anomaly set.
 */
final class DpoEffect {
    static final int RESAMPLES = 2000;

    /**
     * @param metrics the dpo_effect object of metrics.json
     * @param usage   the usage of the extra generation (counted into the iteration's usage)
     */
    record Output(Measured metrics, IterationMetrics.Usage usage) {
    }

    /**
     * metrics.json's dpo_effect object.
     *
     * @param judge   who judged both sides (E_{t-1})
     * @param before  the prompts' anomalies from LM_{t-1}
     * @param after   the same prompts' anomalies from LM_t
     * @param prompts prompts measured
     * @param ratio   Σ hard(after) / Σ hard(before), null when no "before" anomaly is hard
     * @param ci95    its bootstrap 95% interval over prompts (upper bound null when unbounded), or null
     */
    record Measured(String judge, Side before, Side after, long prompts, Double ratio, List<Double> ci95) {
    }

    /** One side of Eq. 8. */
    record Side(long hard, long total, double hardFraction, Map<String, Composition.ClassCount> classes,
            int distinctClasses, double classEntropy) {
        static Side of(Composition c) {
            return new Side(c.hard(), c.size(), c.hardFraction(), c.classes(), c.distinctClasses(), c.classEntropy());
        }
    }

    private DpoEffect() {
    }

    /**
     * @param before model before this iteration's DPO (LM_{t-1})
     * @param prompts this iteration's prompt rows
     * @param judge   E_{t-1} with its threshold
     * @param after   usable rows of G_t judged by {@code judge}
     */
    static Output run(IterationContext ctx, ModelRef before, Dataset<Row> prompts, Judge judge, Dataset<Row> after) {
        SparkSession spark = ctx.spark();
        Stages stages = ctx.stages();
        long seed = ctx.seed();
        String work = ctx.work();
        StageClock clock = ctx.clock();
        return clock.run("dpo-effect", "Eq. 8: the same prompts from the model before DPO (" + before.ref() + ")",
                () -> {
                    String dir = Fs.child(work, "dpo_effect");
                    Dataset<Row> descriptions = GenerateStep.persist(spark, stages.describer(before)
                            .describe(prompts), Fs.child(dir, "descriptions"));
                    Dataset<Row> rendered = GenerateStep.persist(spark, stages.renderer().render(descriptions),
                            Fs.child(dir, "generated_raw"));
                    Dataset<Row> judgedBefore = GenerateStep.persist(spark,
                            judge.judge(AnomalySetUpdater.usable(rendered)), Fs.child(dir, "generated"));
                    IterationMetrics.Usage usage = Metrics.usage(descriptions).plus(Metrics.usage(rendered))
                            .withErrors(rendered.filter(col(Columns.ERROR).isNotNull()).count());
                    return new Output(measure(judge.name(), judgedBefore, after, seed), usage);
                });
    }

    static Measured measure(String judgeName, Dataset<Row> before, Dataset<Row> after, long seed) {
        Map<String, long[]> b = perPrompt(before);
        Map<String, long[]> a = perPrompt(after);
        TreeSet<String> ids = new TreeSet<>(b.keySet());
        ids.addAll(a.keySet());
        double ratio = ratio(ids.toArray(new String[0]), b, a, null);
        List<Double> ci95 = null;
        if (!Double.isNaN(ratio)) {
            double[] ci = bootstrap(ids.toArray(new String[0]), b, a, seed);
            if (ci != null) {
                // unbounded: some resamples hold no hard "before" anomaly
                ci95 = java.util.Arrays.asList(ci[0], Double.isInfinite(ci[1]) ? null : ci[1]);
            }
        }
        return new Measured(judgeName, Side.of(Composition.of(before)), Side.of(Composition.of(after)), ids.size(),
                Double.isNaN(ratio) ? null : ratio, ci95);
    }

    /** @return prompt_id → {usable rows, hard rows}; one row per prompt reaches the driver */
    private static Map<String, long[]> perPrompt(Dataset<Row> judged) {
        Map<String, long[]> m = new HashMap<>();
        List<Row> rows = judged.filter(col(Columns.HARDNESS).isNotNull()).groupBy(col(Columns.PROMPT_ID))
                .agg(count(lit(1)), sum(when(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD), 1)
                        .otherwise(0)))
                .collectAsList();
        for (Row r : rows) {
            m.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        }
        return m;
    }

    /** @return Σ hard(after) / Σ hard(before) over the prompts (each weighted by its count in {@code times}) */
    static double ratio(String[] ids, Map<String, long[]> before, Map<String, long[]> after, int[] times) {
        double hb = 0;
        double ha = 0;
        for (int i = 0; i < ids.length; i++) {
            int k = times == null ? 1 : times[i];
            hb += k * before.getOrDefault(ids[i], new long[2])[1];
            ha += k * after.getOrDefault(ids[i], new long[2])[1];
        }
        return hb == 0 ? Double.NaN : ha / hb;
    }

    /**
     * @return the 2.5% and 97.5% percentiles of the resampled ratios (the upper one infinite when more than 2.5% of
     *     the resamples hold no hard "before" anomaly), or null with fewer than 2 prompts
     */
    static double[] bootstrap(String[] ids, Map<String, long[]> before, Map<String, long[]> after, long seed) {
        if (ids.length < 2) {
            return null;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x8D0EFFECL);
        double[] r = new double[RESAMPLES];
        int n = 0;
        int[] times = new int[ids.length];
        for (int b = 0; b < RESAMPLES; b++) {
            Arrays.fill(times, 0);
            for (int i = 0; i < ids.length; i++) {
                times[rnd.nextInt(ids.length)]++;
            }
            double v = ratio(ids, before, after, times);
            // a resample without any hard "before" anomaly has an infinite ratio: it counts as above every other
            r[n++] = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
        }
        Arrays.sort(r, 0, n);
        double lo = r[(int) Math.floor(0.025 * (n - 1))];
        double hi = r[(int) Math.ceil(0.975 * (n - 1))];
        return new double[] {lo, hi};
    }
}
