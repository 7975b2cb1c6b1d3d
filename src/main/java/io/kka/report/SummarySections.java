package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The driver-only sections of the report: config and provenance, the per-iteration table and progress charts. */
final class SummarySections {
    private final RunContents run;
    private final ReportPage page;

    SummarySections(RunContents run, ReportPage page) {
        this.run = run;
        this.page = page;
    }

    /** Writes config, provenance and run totals. */
    void overview() {
        page.heading(2, "Configuration and provenance");
        JsonNode prov = run.provenance();
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("run directory", run.layout().root());
        JsonNode last = run.state().path("last_complete_iteration");
        kv.put("last complete iteration", last.isNumber() ? last.asText() : "unknown (no state.json)");
        if (prov.isObject()) {
            prov.fields().forEachRemaining(e -> kv.put(e.getKey().replace('_', ' '), e.getValue().isArray()
                    ? String.join(", ", texts(e.getValue())) : e.getValue().asText()));
        } else {
            page.missing("No provenance: neither metrics.json nor state.json holds one.");
        }
        JsonNode totals = run.metrics().path("totals");
        totals.fields().forEachRemaining(e ->
                kv.put("total " + e.getKey(), Html.num(IterationTable.value(e.getValue()))));
        page.keyValues(kv);
        if (run.configYaml() != null) {
            page.pre("Effective configuration (config.yaml; secrets appear as references only)", run.configYaml());
        } else {
            page.missing("config.yaml is missing: the effective configuration cannot be shown.");
        }
    }

    /** Writes the per-iteration table and the AUROC and hard-fraction charts. */
    void iterations() {
        page.heading(2, "Iterations");
        Map<Integer, JsonNode> its = run.iterations();
        if (its.isEmpty()) {
            page.missing("No iteration has been committed yet (iterations/NNN/ is empty or missing).");
            run.note("iterations/: no committed iteration");
            return;
        }
        page.paragraph("One row per KKA iteration t: descriptions generated, images rendered, generation errors; the"
                + " hard fraction of the new generation G_t judged by an evaluator that did not train on it (E_{t-1},"
                + " or at t = 0 the No-anomalies baseline); the anomaly set A_t after the add/replace update, its hard"
                + " fraction judged by the baseline (which never trains on an anomaly), its number of classes and"
                + " class entropy; the Eq. 8 ratio, hard anomalies written after / before this iteration's DPO for"
                + " the same prompts and seeds, with a 95% bootstrap interval over prompts; E_t's Eq. 6 threshold"
                + " from validation normals, preference pairs, E_t's test AUROC/AUPRC (reported only, never used for"
                + " a decision), estimated cost and wall time.");
        page.html(IterationTable.html(its));
        double[] ts = its.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        double[] auroc = column(its, "evaluation", "auroc");
        double[] auprc = column(its, "evaluation", "auprc");
        List<Figures.Series> quality = new ArrayList<>();
        quality.add(new Figures.Series("AUROC of E_t", Figures.BLUE, auroc, false));
        quality.add(new Figures.Series("AUPRC of E_t", Figures.GREEN, auprc, false));
        double base = IterationTable.value(its.values().iterator().next().path("baseline").path("evaluation")
                .path("auroc"));
        if (!Double.isNaN(base)) {
            double[] flat = new double[ts.length];
            java.util.Arrays.fill(flat, base);
            quality.add(new Figures.Series("No anomalies (normals only)", Figures.GREY, flat, true));
        }
        double fin = IterationTable.value(run.metrics().path("final").path("auroc"));
        if (!Double.isNaN(fin)) {
            double[] flat = new double[ts.length];
            java.util.Arrays.fill(flat, fin);
            quality.add(new Figures.Series("final detector AUROC", Figures.RED, flat, true));
        }
        page.figure(Figures.perIteration("AUROC per iteration", "area under the curve (test split)", ts, quality,
                "Test AUROC and AUPRC of each iteration's confusion evaluator E_t"
                        + (Double.isNaN(base) ? "" : ", the No-anomalies baseline's AUROC (grey, dashed)")
                        + (Double.isNaN(fin) ? "" : ", and the final detector's AUROC (dashed)")
                        + (allNaN(auroc) ? "; no iteration recorded an evaluation." : ".")));
        List<Figures.Series> hard = List.of(
                new Figures.Series("anomaly set A_t (by the baseline)", Figures.ORANGE,
                        column(its, "anomaly_set", "hard_fraction"), false),
                new Figures.Series("new generation G_t (by E_t-1)", Figures.RED,
                        column(its, "new_generation", "hard_fraction"), false),
                new Figures.Series("Eq. 8: same prompts before DPO (by E_t-1)", Figures.GREY,
                        its.values().stream().mapToDouble(m -> IterationTable.value(m.path("dpo_effect")
                                .path("before").path("hard_fraction"))).toArray(), true));
        page.figure(Figures.perIteration("Hard fraction per iteration", "fraction of hard anomalies", ts, hard,
                "Fraction of hard anomalies (scoring below the Eq. 6 threshold) per iteration, each judged by an"
                        + " evaluator that did not train on them: the anomaly set A_t by the No-anomalies baseline,"
                        + " the new generation G_t by E_t-1, and (dashed) the same prompts sampled from the model"
                        + " before this iteration's DPO; Eq. 8 holds where the red line is above the dashed one."));
        classMix(its);
    }

    /** The class mix of each iteration's new generation, its hard anomalies, and the anomaly set. */
    private void classMix(Map<Integer, JsonNode> its) {
        java.util.Set<String> classes = new java.util.TreeSet<>();
        its.values().forEach(m -> {
            m.path("new_generation").path("classes").fieldNames().forEachRemaining(classes::add);
            m.path("anomaly_set").path("classes").fieldNames().forEachRemaining(classes::add);
        });
        if (classes.isEmpty()) {
            return;
        }
        page.paragraph("Class mix per iteration (the embedded renderer's bank classes; renders of HTTP providers"
                + " have none): for each class, rows of the new generation G_t (of them hard, by its judge) and"
                + " members of the anomaly set A_t. A class gaining share in G_t is one the language model learnt"
                + " to write more often; the set's entropy shows whether it kept its variety.");
        StringBuilder b = new StringBuilder("<table class=\"iterations\"><thead><tr><th>class</th>");
        its.keySet().forEach(t -> b.append("<th>G_").append(t).append(" (hard)</th><th>A_").append(t)
                .append("</th>"));
        b.append("</tr></thead><tbody>");
        for (String c : classes) {
            b.append("<tr><td>").append(Html.text(c)).append("</td>");
            its.values().forEach(m -> {
                JsonNode g = m.path("new_generation").path("classes").path(c);
                JsonNode a = m.path("anomaly_set").path("classes").path(c);
                b.append("<td>").append(g.isObject() ? g.path("n").asLong() + " (" + g.path("hard").asLong() + ")"
                        : "0").append("</td><td>").append(a.isObject() ? a.path("n").asLong() : 0).append("</td>");
            });
            b.append("</tr>");
        }
        page.html(b.append("</tbody></table>").toString());
    }

    private static double[] column(Map<Integer, JsonNode> its, String group, String key) {
        return its.values().stream().mapToDouble(m -> IterationTable.value(m.path(group).path(key))).toArray();
    }

    private static boolean allNaN(double[] v) {
        for (double d : v) {
            if (!Double.isNaN(d)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
