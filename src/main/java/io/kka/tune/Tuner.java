package io.kka.tune;

import java.util.List;

/** Eq. 7: tunes the language model to prefer hard over easy anomaly descriptions. */
public interface Tuner {
    /**
     * What a tuner gets for one iteration.
     *
     * @param iteration  the iteration t
     * @param current    the model that generated this iteration's descriptions
     * @param pairs      the preference pairs
     * @param trlUri     where the TRL JSONL was written
     * @param openAiUri  where the OpenAI DPO JSONL was written
     * @param workDir    the iteration's working directory for the tuner's own files (job ids, logs, weights)
     * @param committedRel the run-relative path {@code workDir} will have once the iteration is committed
     *                   (e.g. {@code iterations/002}); embedded weights are referenced through it
     * @param base       the model before any DPO, θ_L: the paper's (and the embedded tuner's) DPO reference
     * @param allTrlUri  the pairs of every iteration so far (0..t), TRL JSONL
     * @param allOpenAiUri the same, OpenAI DPO JSONL
     */
    record Input(int iteration, ModelRef current, List<PreferencePair> pairs, String trlUri, String openAiUri,
            String workDir, String committedRel, ModelRef base, String allTrlUri, String allOpenAiUri) {
        /** An input whose accumulated pairs are this iteration's alone, from the base model {@code current}. */
        public Input(int iteration, ModelRef current, List<PreferencePair> pairs, String trlUri, String openAiUri,
                String workDir, String committedRel) {
            this(iteration, current, pairs, trlUri, openAiUri, workDir, committedRel, current, trlUri, openAiUri);
        }
    }

    /**
     * @param in the iteration's pairs and current model
     * @return the model to use from the next iteration on
     * @throws TuningException with a clear message if the tuning job fails, is cancelled or times out
     */
    ModelRef tune(Input in);

    /**
     * Figures of the last {@link #tune} call for metrics.json, e.g. {@code steps}, {@code loss_first},
     * {@code loss_last}. Empty if the tuner reports none.
     *
     * @return name → number
     */
    default java.util.Map<String, Object> report() {
        return java.util.Map.of();
    }
}
