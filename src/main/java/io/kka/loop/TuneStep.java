package io.kka.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.store.Fs;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 7 for one iteration: preference pairs (hard chosen over easy rejected) in both formats, then the tuner.
 * The last iteration writes its pairs but does not tune (no later generation would use the model).
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

    static Output run(SparkSession spark, JobConfig cfg, Stages stages, int t, long seed, ModelRef lm,
            Dataset<Row> scoredPool, Dataset<Row> prompts, String work, String committedRel, StageClock clock) {
        List<PreferencePair> pairs = clock.run("pairs", "building preference pairs", () ->
                PreferencePairs.of(cfg.selection(), seed).pairs(scoredPool, prompts));
        String trl = Fs.child(work, "pairs.trl.jsonl");
        String openAi = Fs.child(work, "pairs.openai.jsonl");
        PairsWriter.write(trl, openAi, pairs, spark.sparkContext().hadoopConfiguration());
        ObjectNode tuning = Metrics.JSON.createObjectNode();
        tuning.put("provider", io.kka.config.ConfigBinder.Names.wire(cfg.tuning().provider()));
        String skipped = t >= cfg.run().iterations() ? "last iteration: no later generation uses a tuned model"
                : pairs.isEmpty() ? "no pairs: the evaluator found no hard or no easy anomalies" : null;
        ModelRef next = lm;
        if (skipped == null) {
            Tuner tuner = stages.tuner(t, seed);
            next = clock.run("tune", "DPO on " + pairs.size() + " pairs (Eq. 7, " + tuning.get("provider").asText()
                    + ")", () -> tuner.tune(new Tuner.Input(t, lm, pairs, trl, openAi, work, committedRel)));
            tuner.report().forEach((k, v) -> tuning.set(k, Metrics.JSON.valueToTree(v)));
        }
        tuning.set("model_after", Metrics.model(next));
        tuning.put("skipped", skipped);
        return new Output(pairs.size(), next, tuning);
    }
}
