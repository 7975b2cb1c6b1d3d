package io.kka.loop;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.kka.config.ConfigBinder;
import io.kka.config.JobConfig;
import io.kka.config.SelectionConfig;
import io.kka.tune.ModelRef;
import java.util.List;
import java.util.Map;

/**
 * The metrics.json of one iteration (data-schemas/iteration-metrics.schema.json), serialised by {@link Records}.
 *
 * @param iteration       t
 * @param mode            add or replace
 * @param lm              the model that wrote G_t
 * @param representatives what Eq. 2 used
 * @param generation      counts of the generation
 * @param baseline        the No-anomalies baseline (iteration 0 only, else omitted)
 * @param newGeneration   G_t judged by its held-out evaluator
 * @param anomalySet      A_t after the update, judged held out by the baseline and in sample by E_t
 * @param probe           G_t \ A_t judged by E_t (DPO's pairs)
 * @param dpoEffect       the Eq. 8 measurement, or null
 * @param threshold       E_t's Eq. 6 threshold
 * @param pairs           preference pairs built
 * @param tuning          the tuner's report (provider specific)
 * @param evaluation      E_t on the test split (reporting only), or null
 * @param usage           endpoint usage of the iteration (the Eq. 8 generation included)
 * @param seconds         wall seconds per stage and in total
 */
record IterationMetrics(int iteration, String mode, ModelRef lm, Representatives representatives,
        Generation generation, @JsonInclude(JsonInclude.Include.NON_NULL) Baseline baseline,
        Composition.Judged newGeneration, AnomalySet anomalySet, Composition.Judged probe, DpoEffect.Measured dpoEffect,
        Threshold threshold, long pairs, JsonNode tuning, Evaluation evaluation, Usage usage,
        Map<String, Double> seconds) {

    /**
     * Eq. 2 as the iteration ran it.
     *
     * @param features pixels or encoder
     * @param encoder  whose encoder (null for pixels)
     * @param examples the distinct captions the prompts showed
     */
    record Representatives(String features, String encoder, List<String> examples) {
    }

    /** Counts of the generation of G_t. */
    record Generation(long prompts, long descriptions, long droppedNormalMentions, long descriptionErrors, long images,
            long imageErrors) {
    }

    /**
     * The No-anomalies baseline E_{-1} (iteration 0).
     *
     * @param detector   what it is
     * @param threshold  its Eq. 6 threshold
     * @param evaluation its test evaluation (reporting only), or null
     */
    record Baseline(String detector, Threshold threshold, Evaluation evaluation) {
    }

    /**
     * An Eq. 6 threshold.
     *
     * @param rule       max or quantile
     * @param quantile   the quantile (quantile rule only, else omitted)
     * @param value      the threshold
     * @param valNormals validation normals that set it
     * @param levels     the threshold under other rules (no decision reads them)
     */
    record Threshold(String rule, @JsonInclude(JsonInclude.Include.NON_NULL) Double quantile, double value,
            long valNormals, Map<String, Double> levels) {
        static Threshold of(SelectionConfig selection, HardAnomalySelector sel, long valNormals) {
            return new Threshold(ConfigBinder.Names.wire(selection.threshold()),
                    selection.threshold() == SelectionConfig.ThresholdRule.QUANTILE ? selection.quantile() : null,
                    sel.threshold(), valNormals, sel.levels());
        }
    }

    /**
     * A_t: held out by the baseline, plus how the update changed it and how E_t sees it in sample.
     *
     * @param inSample A_t judged by E_t, which trained on it
     */
    record AnomalySet(String judge, long size, long added, long removed, long hard, long easy, double hardFraction,
            Map<String, Composition.ClassCount> classes, int distinctClasses, double classEntropy,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> byRule, InSample inSample) {
    }

    /** A_t as E_t labels it in sample. */
    record InSample(String judge, long hard, long easy, double hardFraction,
            Map<String, Composition.ClassCount> classes) {
    }

    /**
     * Endpoint usage.
     *
     * @param cached rows answered from the response cache
     * @param cost   estimated cost from the config's prices
     */
    record Usage(long requests, long retries, long promptTokens, long completionTokens, long images, long errors,
            long cached, double cost) {
        static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0, 0, 0.0);

        Usage plus(Usage o) {
            return new Usage(requests + o.requests, retries + o.retries, promptTokens + o.promptTokens,
                    completionTokens + o.completionTokens, images + o.images, errors + o.errors, cached + o.cached,
                    cost + o.cost);
        }

        Usage withErrors(long e) {
            return new Usage(requests, retries, promptTokens, completionTokens, images, e, cached, cost);
        }
    }

    /**
     * Everything iteration t measured.
     *
     * @param lm            the model that wrote G_t
     * @param gen           the generation
     * @param baseline      the baseline (iteration 0 only, else null)
     * @param newGeneration G_t judged by its held-out evaluator
     * @param update        the anomaly-set update
     * @param dpoEffect     the Eq. 8 measurement, or null
     * @param eval          E_t and its threshold
     * @param tune          pairs and DPO
     */
    record Parts(ModelRef lm, GenerateStep.Output gen, Baseline baseline, Composition.Judged newGeneration,
            Update update, DpoEffect.Output dpoEffect, EvaluateStep.Output eval, TuneStep.Output tune) {
    }

    static IterationMetrics of(JobConfig cfg, int t, Parts p, Map<String, Double> seconds) {
        Composition held = p.eval().heldOut();
        Composition in = p.eval().inSample();
        AnomalySet set = new AnomalySet(Judge.BASELINE, held.size(), p.update().added(), p.update().removed(),
                held.hard(), held.easy(), held.hardFraction(), held.classes(), held.distinctClasses(),
                held.classEntropy(), held.byRule(), new InSample("E_" + t, in.hard(), in.easy(), in.hardFraction(),
                in.classes()));
        Usage usage = p.gen().usage().plus(p.dpoEffect() == null ? Usage.ZERO : p.dpoEffect().usage());
        return new IterationMetrics(t, ConfigBinder.Names.wire(cfg.run().mode()), p.lm(), representatives(cfg, t,
                p.gen()), p.gen().counts(), p.baseline(), p.newGeneration(), set, p.eval().probed().by("E_" + t),
                p.dpoEffect() == null ? null : p.dpoEffect().metrics(), Threshold.of(cfg.selection(),
                p.eval().selector(), p.eval().valNormals()), p.tune().pairs(), p.tune().tuning(),
                p.eval().evaluation().orElse(null), usage, seconds);
    }

    /** @return what Eq. 2 used and the examples the prompts showed */
    private static Representatives representatives(JobConfig cfg, int t, GenerateStep.Output gen) {
        boolean learned = cfg.representatives().features() == io.kka.config.RepresentativesConfig.FeatureKind.ENCODER;
        return new Representatives(learned ? "encoder" : "pixels", !learned ? null
                : t == 0 ? "autoencoder pretrained on the training normals" : "E_" + (t - 1), gen.examples());
    }

    /** The checkpoint record (state.json's per-iteration entry). */
    static IterationRecord record(int t, ModelRef used, ModelRef next, EvaluateStep.Output eval,
            HardAnomalySelector baseline) {
        return new IterationRecord(t, used, next, eval.selector().threshold(), eval.selector().levels(),
                baseline.threshold(), baseline.levels(), eval.heldOut().size(), eval.heldOut().hardFraction());
    }
}
