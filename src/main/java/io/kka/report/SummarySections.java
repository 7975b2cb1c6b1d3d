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
        page.paragraph("One row per KKA iteration t: descriptions generated, images rendered, generation errors, the"
                + " anomaly set A_t after the add/replace update with its hard count and fraction (judged by E_t),"
                + " the Eq. 6 threshold from validation normals, preference pairs, E_t's test AUROC/AUPRC (reported"
                + " only, never used for a decision), estimated cost and wall time.");
        page.html(IterationTable.html(its));
        double[] ts = its.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        double[] auroc = column(its, "evaluation", "auroc");
        double[] auprc = column(its, "evaluation", "auprc");
        List<Figures.Series> quality = new ArrayList<>();
        quality.add(new Figures.Series("AUROC of E_t", Figures.BLUE, auroc, false));
        quality.add(new Figures.Series("AUPRC of E_t", Figures.GREEN, auprc, false));
        double fin = IterationTable.value(run.metrics().path("final").path("auroc"));
        if (!Double.isNaN(fin)) {
            double[] flat = new double[ts.length];
            java.util.Arrays.fill(flat, fin);
            quality.add(new Figures.Series("final detector AUROC", Figures.RED, flat, true));
        }
        page.figure(Figures.perIteration("AUROC per iteration", "area under the curve (test split)", ts, quality,
                "Test AUROC and AUPRC of each iteration's confusion evaluator E_t"
                        + (Double.isNaN(fin) ? "" : ", and the final detector's AUROC (dashed)")
                        + (allNaN(auroc) ? "; no iteration recorded an evaluation." : ".")));
        List<Figures.Series> hard = List.of(
                new Figures.Series("anomaly set A_t (by E_t)", Figures.ORANGE,
                        column(its, "anomaly_set", "hard_fraction"), false),
                new Figures.Series("new generation G_t (by E_t-1)", Figures.RED,
                        column(its, "new_generation", "hard_fraction"), false));
        page.figure(Figures.perIteration("Hard fraction per iteration", "fraction of hard anomalies", ts, hard,
                "Fraction of hard anomalies (scoring below the Eq. 6 threshold) per iteration: in the anomaly set"
                        + " A_t as judged by E_t, and in the newly generated G_t as judged by the previous evaluator;"
                        + " DPO should raise the latter."));
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
