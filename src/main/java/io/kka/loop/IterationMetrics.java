package io.kka.loop;

import io.kka.tune.ModelRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigBinder;
import io.kka.config.JobConfig;
import io.kka.config.SelectionConfig;
import java.util.Map;

/** The metrics.json of one iteration (data-schemas/iteration-metrics.schema.json) and its checkpoint record. */
final class IterationMetrics {
    private IterationMetrics() {
    }

    /**
     * Everything iteration t measured.
     *
     * @param lm            the model that wrote G_t
     * @param gen           the generation
     * @param baseline      the "baseline" object (iteration 0 only, else null)
     * @param newGeneration G_t judged by its held-out evaluator (Composition with the judge's name)
     * @param update        the anomaly-set update
     * @param dpoEffect     the Eq. 8 measurement, or null
     * @param extraUsage    usage of the Eq. 8 generation, or null
     * @param eval          E_t and its threshold
     * @param tune          pairs and DPO
     */
    record Parts(ModelRef lm, GenerateStep.Output gen, ObjectNode baseline, ObjectNode newGeneration, Update update,
            ObjectNode dpoEffect, ObjectNode extraUsage, EvaluateStep.Output eval, TuneStep.Output tune) {
    }

    static ObjectNode of(JobConfig cfg, int t, Parts p, Map<String, Double> seconds) {
        ObjectNode m = Metrics.JSON.createObjectNode();
        m.put("iteration", t);
        m.put("mode", ConfigBinder.Names.wire(cfg.run().mode()));
        m.set("lm", Metrics.model(p.lm()));
        m.set("representatives", representatives(cfg, t, p.gen()));
        m.set("generation", p.gen().counts());
        if (p.baseline() != null) {
            m.set("baseline", p.baseline());
        }
        m.set("new_generation", p.newGeneration());
        ObjectNode set = p.eval().heldOut().deepCopy();
        set.put("judge", Judge.BASELINE);
        set.put("added", p.update().added());
        set.put("removed", p.update().removed());
        ObjectNode in = p.eval().inSample();
        ObjectNode inSample = set.putObject("in_sample");
        inSample.put("judge", "E_" + t);
        for (String k : new String[] {"hard", "easy", "hard_fraction", "classes"}) {
            inSample.set(k, in.get(k));
        }
        m.set("anomaly_set", set);
        ObjectNode probe = p.eval().probed().deepCopy();
        probe.put("judge", "E_" + t);
        m.set("probe", probe);
        m.set("dpo_effect", p.dpoEffect());
        m.set("threshold", threshold(cfg.selection(), p.eval().selector(), p.eval().valNormals()));
        m.put("pairs", p.tune().pairs());
        m.set("tuning", p.tune().tuning());
        m.set("evaluation", p.eval().evaluation());
        ObjectNode usage = p.gen().usage().deepCopy();
        if (p.extraUsage() != null) {
            p.extraUsage().fields().forEachRemaining(e -> {
                if (e.getValue().isIntegralNumber()) {
                    usage.put(e.getKey(), usage.get(e.getKey()).asLong() + e.getValue().asLong());
                } else {
                    usage.put(e.getKey(), usage.get(e.getKey()).asDouble() + e.getValue().asDouble());
                }
            });
        }
        m.set("usage", usage);
        ObjectNode s = m.putObject("seconds");
        seconds.forEach(s::put);
        return m;
    }

    /** @return {features, encoder, examples}: what Eq. 2 used and the examples the prompts showed */
    private static ObjectNode representatives(JobConfig cfg, int t, GenerateStep.Output gen) {
        ObjectNode r = Metrics.JSON.createObjectNode();
        boolean learned = cfg.representatives().features() == io.kka.config.RepresentativesConfig.FeatureKind.ENCODER;
        r.put("features", learned ? "encoder" : "pixels");
        if (learned) {
            r.put("encoder", t == 0 ? "autoencoder pretrained on the training normals" : "E_" + (t - 1));
        } else {
            r.putNull("encoder");
        }
        var examples = r.putArray("examples");
        gen.examples().forEach(examples::add);
        return r;
    }

    /** @return {rule, quantile (quantile rule only), value, val_normals} */
    static ObjectNode threshold(SelectionConfig selection, HardAnomalySelector sel, long valNormals) {
        ObjectNode threshold = Metrics.JSON.createObjectNode();
        threshold.put("rule", ConfigBinder.Names.wire(selection.threshold()));
        if (selection.threshold() == SelectionConfig.ThresholdRule.QUANTILE) {
            threshold.put("quantile", selection.quantile());
        }
        threshold.put("value", sel.threshold());
        threshold.put("val_normals", valNormals);
        threshold.set("levels", Metrics.JSON.valueToTree(sel.levels()));
        return threshold;
    }

    /** The checkpoint record (state.json's per-iteration entry). */
    static IterationRecord record(int t, ModelRef used, ModelRef next, EvaluateStep.Output eval,
            HardAnomalySelector baseline) {
        return new IterationRecord(t, used, next, eval.selector().threshold(), eval.selector().levels(),
                baseline.threshold(), baseline.levels(), eval.heldOut().get("size").asLong(),
                eval.heldOut().get("hard_fraction").asDouble());
    }
}
