package io.kka.tune;

import io.kka.config.TuningConfig;
import io.kka.generate.embedded.EmbeddedLanguageModel;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import io.kka.tune.DpoReport;
import io.kka.tune.DpoResult;
import io.kka.tune.DpoTuner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Tuner {@code embedded}: exact DPO (Eq. 7) on the embedded stand-in language model, on the driver (the model is
 * small). The policy continues from the current model; the frozen reference is the model before any DPO — the
 * paper's θ_L, "the original LLM" (as in the reference code, where TRL's reference is the base model with the
 * LoRA adapters disabled). The pair's prompt is the text the model conditions on: its normal examples.
 */
public final class EmbeddedTuner implements Tuner {
    private final TuningConfig cfg;
    private final long seed;
    private final RunLayout layout;
    private final Configuration conf;
    private final ModelRef reference;
    private DpoReport last;

    private EmbeddedTuner(TuningConfig cfg, long seed, RunLayout layout, Configuration conf, ModelRef reference) {
        this.cfg = cfg;
        this.seed = seed;
        this.layout = layout;
        this.conf = conf;
        this.reference = reference;
    }

    /**
     * @param cfg       tuning config (beta, learning_rate, steps, batch_size)
     * @param seed      the iteration's seed (minibatch order)
     * @param layout    the run directory (model references are relative to it)
     * @param conf      Hadoop configuration
     * @param reference the frozen reference model
     * @return the tuner
     */
    public static EmbeddedTuner of(TuningConfig cfg, long seed, RunLayout layout, Configuration conf,
            ModelRef reference) {
        return new EmbeddedTuner(cfg, seed, layout, conf, reference);
    }

    @Override
    public ModelRef tune(Input in) {
        if (!ModelRef.EMBEDDED.equals(in.current().kind())) {
            throw new TuningException("tuning.provider embedded needs the embedded language model"
                    + " (llm.provider: embedded), found model " + in.current().ref());
        }
        EmbeddedLanguageModel policy = EmbeddedLanguageModel.load(layout.path(in.current().ref()), conf);
        EmbeddedLanguageModel ref = EmbeddedLanguageModel.load(layout.path(reference.ref()), conf);
        DpoResult<EmbeddedLanguageModel> result = DpoTuner.of(cfg, seed).tune(policy, ref, in.pairs());
        result.model().save(Fs.child(in.workDir(), "lm"), conf);
        last = result.report();
        return ModelRef.embedded(in.committedRel() + "/lm");
    }

    @Override
    public Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (last != null) {
            m.put("steps", last.steps());
            m.put("loss_first", last.lossPerStep().isEmpty() ? null : last.lossPerStep().get(0));
            m.put("loss_last", last.finalLoss());
        }
        return m;
    }
}
