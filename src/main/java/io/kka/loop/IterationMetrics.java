package io.kka.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigBinder;
import io.kka.config.JobConfig;
import java.util.Map;

/** The metrics.json of one iteration (data-schemas/iteration-metrics.schema.json) and its checkpoint record. */
final class IterationMetrics {
    private IterationMetrics() {
    }

    static ObjectNode of(JobConfig cfg, int t, ModelRef lm, GenerateStep.Output gen, Update update,
            EvaluateStep.Output eval, TuneStep.Output tune, Map<String, Double> seconds) {
        ObjectNode m = Metrics.JSON.createObjectNode();
        m.put("iteration", t);
        m.put("mode", ConfigBinder.Names.wire(cfg.run().mode()));
        m.set("lm", Metrics.model(lm));
        m.set("generation", gen.counts());
        ObjectNode set = eval.set().deepCopy();
        set.put("added", update.added());
        set.put("removed", update.removed());
        m.set("anomaly_set", set);
        m.set("new_generation", update.newGeneration());
        ObjectNode threshold = m.putObject("threshold");
        threshold.put("rule", ConfigBinder.Names.wire(cfg.selection().threshold()));
        threshold.put("value", eval.selector().threshold());
        threshold.put("val_normals", eval.valNormals());
        m.put("pairs", tune.pairs());
        m.set("tuning", tune.tuning());
        m.set("evaluation", eval.evaluation());
        m.set("usage", gen.usage());
        ObjectNode s = m.putObject("seconds");
        seconds.forEach(s::put);
        return m;
    }

    /** The checkpoint record (state.json's per-iteration entry). */
    static ObjectNode record(int t, ModelRef used, ModelRef next, EvaluateStep.Output eval) {
        ObjectNode r = Metrics.JSON.createObjectNode();
        r.put("iteration", t);
        r.set("lm_used", Metrics.model(used));
        r.set("lm_next", Metrics.model(next));
        r.put("threshold", eval.selector().threshold());
        r.put("set_size", eval.set().get("size").asLong());
        r.put("hard_fraction", eval.set().get("hard_fraction").asDouble());
        return r;
    }
}
