package io.kka.loop;

import io.kka.tune.PreferencePair;
import io.kka.tune.ModelRef;
import io.kka.tune.PairsWriter;
import io.kka.tune.Tuner;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.generate.PromptTemplate;
import io.kka.store.RunLayout;
import org.apache.hadoop.conf.Configuration;
import io.kka.store.Fs;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 7 for one iteration: preference pairs (hard chosen over easy rejected, as judged by an evaluator that had not
 * trained on them) in both formats, then the tuner. The last iteration writes its pairs but does not tune (no
 * later generation would use the model); neither does {@code tuning.provider: none}.
 */
final class TuneStep {
    /**
     * @param pairs   number of pairs written
     * @param lmNext  the model for the next iteration
     * @param tuning  the "tuning" object of metrics.json
     */
    record Output(int pairs, ModelRef lmNext, ObjectNode tuning) {
    }

    private TuneStep() {
    }

    /**
     * @param judged  the probe: G_t's usable rows that did not enter A_t, labelled by E_t (which never trained on
     *                them)
     * @param prompts the prompt rows of iteration t
     */
    static Output run(IterationContext ctx, ModelRef lm, Dataset<Row> judged, Dataset<Row> prompts) {
        SparkSession spark = ctx.spark();
        JobConfig cfg = ctx.cfg();
        Stages stages = ctx.stages();
        RunLayout layout = ctx.layout();
        int t = ctx.t();
        long seed = ctx.seed();
        String work = ctx.work();
        String committedRel = ctx.committedRel();
        StageClock clock = ctx.clock();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        PromptTemplate pairPrompt = PromptTemplate.load("tuning.pair_prompt_template", cfg.tuning()
                .pairPromptTemplate(), conf);
        // a pair's completions are one description each, so its prompt asks for one (not the generation prompt's
        // list): a real model tuned on list prompts with one-line answers would learn to answer lists with a line
        List<PreferencePair> pairs = clock.run("pairs", "building preference pairs", () ->
                PreferencePairs.of(cfg.selection(), seed).pairs(judged, prompts).stream()
                        .map(p -> new PreferencePair(p.system(), pairPrompt.fill(cfg.llm().domain(), p.examples(), 1),
                                p.chosen(), p.rejected(), p.examples()))
                        .toList());
        String trl = Fs.child(work, "pairs.trl.jsonl");
        String openAi = Fs.child(work, "pairs.openai.jsonl");
        PairsWriter.write(trl, openAi, pairs, conf);
        String allTrl = Fs.child(work, "pairs.all.trl.jsonl");
        String allOpenAi = Fs.child(work, "pairs.all.openai.jsonl");
        accumulate(layout, t, "pairs.trl.jsonl", trl, allTrl, conf);
        accumulate(layout, t, "pairs.openai.jsonl", openAi, allOpenAi, conf);
        ObjectNode tuning = Metrics.JSON.createObjectNode();
        tuning.put("provider", io.kka.config.ConfigBinder.Names.wire(cfg.tuning().provider()));
        String skipped = t >= cfg.run().iterations() ? "last iteration: no later generation uses a tuned model"
                : cfg.tuning().provider() == io.kka.config.TuningConfig.TuningProvider.NONE
                        ? "tuning.provider none: every iteration generates with the initial model (no-DPO ablation)"
                : pairs.isEmpty() ? "no pairs: the evaluator found no hard or no easy anomalies" : null;
        ModelRef next = lm;
        if (skipped == null) {
            Tuner tuner = stages.tuner(t, seed);
            next = clock.run("tune", "DPO on " + pairs.size() + " pairs (Eq. 7, " + tuning.get("provider").asText()
                    + ")", () -> tuner.tune(new Tuner.Input(t, lm, pairs, trl, openAi, work, committedRel,
                    stages.initialModel(), allTrl, allOpenAi)));
            tuner.report().forEach((k, v) -> tuning.set(k, Metrics.JSON.valueToTree(v)));
        }
        tuning.set("model_after", Records.JSON.valueToTree(next));
        tuning.put("skipped", skipped);
        return new Output(pairs.size(), next, tuning);
    }

    /** Writes the pairs of iterations 0..t into one file (the committed files of 0..t-1, then this one's). */
    private static void accumulate(RunLayout layout, int t, String name, String current, String into,
            Configuration conf) {
        StringBuilder all = new StringBuilder();
        try {
            for (int i = 0; i < t; i++) {
                all.append(Fs.readString(layout.iteration(i, name), conf));
            }
            all.append(Fs.readString(current, conf));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot gather the preference pairs of iterations 0.." + t, e);
        }
        Fs.writeString(into, all.toString(), conf);
    }
}
