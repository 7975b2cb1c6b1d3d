package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The block at the top of the report that answers the first questions about a run: did the anomalies KKA wrote
 * make a better detector than none at all (the final detector's AUROC and AUPRC beside the No-anomalies
 * baseline's, and the difference in points), did DPO teach the language model to write more hard anomalies (the
 * hard fraction of A_t and G_t per iteration and the Eq. 8 ratio), and what it cost.
 *
 * <p>Every number sits in an element whose {@code data-metric} attribute names where it comes from: a path into
 * metrics.json ({@code final.auroc}, {@code totals.cost}, {@code iterations[t].dpo_effect.ratio}, where {@code t}
 * is the iteration number) or a value derived from such paths ({@code delta.*}, {@code trend.*}, {@code eq8.*},
 * documented where they are written). A value that was not measured (missing, null, or a run that has not got
 * there) reads "not measured", never 0. Reads only the driver-side JSON.
 */
final class Headline {
    /** the text of every value that metrics.json does not hold */
    static final String NOT_MEASURED = "not measured";

    private final JsonNode metrics;
    private final Map<Integer, JsonNode> iterations;
    private final StringBuilder b = new StringBuilder();

    private Headline(JsonNode metrics, Map<Integer, JsonNode> iterations) {
        this.metrics = metrics;
        this.iterations = iterations;
    }

    /**
     * @param metrics    the run's metrics.json (a missing node if there is none)
     * @param iterations iteration number → its metrics, ascending (a missing node for an iteration without one)
     * @return the headline block as HTML
     */
    static String html(JsonNode metrics, Map<Integer, JsonNode> iterations) {
        return new Headline(metrics, iterations).build();
    }

    private String build() {
        b.append("<section class=\"headline\" id=\"headline\"><h2>Result at a glance</h2>\n");
        status();
        quality();
        trend();
        totals();
        return b.append("</section>").toString();
    }

    private JsonNode fin() {
        return metrics.path("final");
    }

    private JsonNode baseline() {
        JsonNode first = iterations.get(0);
        return first == null ? metrics.path("missing") : first.path("baseline");
    }

    /** Whether the run is finished and, if not, how far it got. */
    private void status() {
        JsonNode fin = fin();
        b.append("<p class=\"status\">");
        if (fin.isObject()) {
            b.append(Html.text("Finished: the final detector (" + fin.path("detector").asText("?") + ") was trained"
                    + " on the normals and the anomaly set of iteration "))
                    .append(cellOf("final.iteration", fin.path("iteration"), Headline::count))
                    .append(" and evaluated on ")
                    .append(cellOf("final.test_rows", fin.path("test_rows"), Headline::count)).append(" test rows.");
        } else {
            String why = metrics.isMissingNode() ? "there is no metrics.json" : fin.isNull()
                    ? "metrics.json's final result is null" : "metrics.json has no final result";
            b.append(Html.text("Not finished: the final detector has not run (" + why + "). "
                    + (iterations.isEmpty() ? "No iteration has been committed yet."
                    : "Shown is what the committed iterations " + range() + " measured.")));
        }
        b.append("</p>\n");
    }

    private String range() {
        int first = iterations.keySet().iterator().next();
        int last = last();
        return first == last ? Integer.toString(first) : first + "–" + last;
    }

    /** @return the last iteration number (the map is ascending) */
    private int last() {
        int last = -1;
        for (int t : iterations.keySet()) {
            last = t;
        }
        return last;
    }

    /** Final detector and baseline, AUROC and AUPRC, and their difference. */
    private void quality() {
        JsonNode fin = fin();
        JsonNode base = baseline();
        JsonNode baseEval = base.path("evaluation");
        b.append("<table class=\"headline-quality\"><thead><tr><th>detector (test split)</th><th>AUROC</th>"
                + "<th>AUPRC</th></tr></thead><tbody>");
        String finName = fin.isObject() ? "final detector (" + fin.path("detector").asText("?") + ")"
                : "final detector (not run yet)";
        row(finName, cellOf("final.auroc", fin.path("auroc"), Headline::decimal3),
                cellOf("final.auprc", fin.path("auprc"), Headline::decimal3));
        String p = "iterations[0].baseline.evaluation.";
        row("No-anomalies baseline (" + base.path("detector").asText("normals only") + ")",
                cellOf(p + "auroc", baseEval.path("auroc"), Headline::decimal3),
                cellOf(p + "auprc", baseEval.path("auprc"), Headline::decimal3));
        // delta.X = 100 × (final.X − iterations[0].baseline.evaluation.X), in percentage points
        row("difference, final − baseline", delta("auroc", fin, baseEval), delta("auprc", fin, baseEval));
        if (!fin.isObject() && !iterations.isEmpty()) {
            int last = last();
            JsonNode ev = iterations.get(last).path("evaluation");
            String q = "iterations[" + last + "].evaluation.";
            row("interim: evaluator E_" + last + " of the last committed iteration",
                    cellOf(q + "auroc", ev.path("auroc"), Headline::decimal3),
                    cellOf(q + "auprc", ev.path("auprc"), Headline::decimal3));
        }
        b.append("</tbody></table>\n");
    }

    private String delta(String key, JsonNode fin, JsonNode baseEval) {
        double d = value(fin.path(key)) - value(baseEval.path(key));
        return metric("delta." + key, Double.isNaN(d) ? null : String.format(Locale.ROOT, "%+.1f points", 100 * d),
                "final minus baseline, in percentage points");
    }

    /** Hard fractions and the Eq. 8 ratio per iteration, and a one-line reading of them. */
    private void trend() {
        b.append("<table class=\"headline-trend\"><thead><tr><th>t</th><th>hard in A_t (by the baseline)</th>"
                + "<th>hard in G_t (by E_t-1; the baseline at t = 0)</th>"
                + "<th>Eq. 8 ratio after/before DPO [95% CI]</th></tr></thead><tbody>");
        if (iterations.isEmpty()) {
            b.append("<tr><td colspan=\"4\" class=\"nm\">no committed iteration</td></tr>");
        }
        iterations.forEach((t, m) -> {
            String it = "iterations[" + t + "].";
            b.append("<tr><td>").append(t).append("</td><td>")
                    .append(cellOf(it + "anomaly_set.hard_fraction", m.path("anomaly_set").path("hard_fraction"),
                            Headline::percent))
                    .append("</td><td>")
                    .append(cellOf(it + "new_generation.hard_fraction",
                            m.path("new_generation").path("hard_fraction"), Headline::percent))
                    .append("</td><td>").append(eq8(t, m)).append("</td></tr>");
        });
        b.append("</tbody></table>\n");
        reading();
    }

    /** The Eq. 8 cell: ratio and interval, or "not measured" with the reason as a tooltip. */
    private String eq8(int t, JsonNode m) {
        JsonNode effect = m.path("dpo_effect");
        String path = "iterations[" + t + "].dpo_effect.";
        if (!effect.path("ratio").isNumber()) {
            String why = !m.isObject() ? "no metrics.json for this iteration" : t == 0 && !effect.isObject()
                    ? "no DPO step comes before iteration 0" : !effect.isObject()
                    ? "the language model did not change before this iteration"
                    : "no hard anomaly before DPO: the ratio is undefined";
            return metric(path + "ratio", null, why);
        }
        String cell = metric(path + "ratio", decimal2(effect.path("ratio").asDouble()), null);
        JsonNode ci = effect.path("ci95");
        if (ci.isArray() && ci.path(0).isNumber()) {
            cell += " [" + metric(path + "ci95[0]", decimal2(ci.path(0).asDouble()), null) + ", "
                    + metric(path + "ci95[1]", ci.path(1).isNumber() ? decimal2(ci.path(1).asDouble()) : "∞",
                    ci.path(1).isNumber() ? null : "unbounded above") + "]";
        }
        return cell;
    }

    /**
     * The trend in words. trend.X.hard_fraction = last − first iteration's value, in points, over the iterations
     * that measured it; eq8.measured, eq8.above_one and eq8.ci_above_one count the iterations with a ratio, with a
     * ratio above 1, and with a 95% interval whose lower bound is above 1.
     */
    private void reading() {
        List<String> parts = new ArrayList<>();
        for (String group : new String[] {"anomaly_set", "new_generation"}) {
            List<Integer> at = new ArrayList<>();
            iterations.forEach((t, m) -> {
                if (m.path(group).path("hard_fraction").isNumber()) {
                    at.add(t);
                }
            });
            if (at.size() >= 2) {
                double first = iterations.get(at.get(0)).path(group).path("hard_fraction").asDouble();
                double last = iterations.get(at.get(at.size() - 1)).path(group).path("hard_fraction").asDouble();
                parts.add(Html.text("hard fraction of " + (group.equals("anomaly_set") ? "A_t" : "G_t") + " ")
                        + metric("trend." + group + ".hard_fraction", String.format(Locale.ROOT, "%+.1f points",
                        100 * (last - first)), "last minus first, in percentage points")
                        + Html.text(" from t = " + at.get(0) + " to t = " + at.get(at.size() - 1)));
            }
        }
        int measured = 0;
        int above = 0;
        int ciAbove = 0;
        for (JsonNode m : iterations.values()) {
            JsonNode effect = m.path("dpo_effect");
            if (effect.path("ratio").isNumber()) {
                measured++;
                above += effect.path("ratio").asDouble() > 1 ? 1 : 0;
                JsonNode lo = effect.path("ci95").path(0);
                ciAbove += lo.isNumber() && lo.asDouble() > 1 ? 1 : 0;
            }
        }
        if (measured == 0) {
            parts.add(Html.text("Eq. 8 not measured in any iteration (it needs a DPO step between two"
                    + " iterations)"));
        } else {
            parts.add("Eq. 8 ratio above 1 (the tuned model wrote more hard anomalies) in "
                    + metric("eq8.above_one", Integer.toString(above), null) + " of "
                    + metric("eq8.measured", Integer.toString(measured), null) + " measured iterations, its 95%"
                    + " interval above 1 in " + metric("eq8.ci_above_one", Integer.toString(ciAbove), null));
        }
        // each part is HTML: text escaped above, values from metric()
        b.append("<p class=\"reading\">");
        for (int i = 0; i < parts.size(); i++) {
            String s = parts.get(i);
            b.append(i == 0 ? Character.toUpperCase(s.charAt(0)) + s.substring(1) : s)
                    .append(i == parts.size() - 1 ? "." : "; ");
        }
        b.append("</p>\n");
    }

    /** Run totals: estimated cost, requests, images, wall time. */
    private void totals() {
        JsonNode totals = metrics.path("totals");
        b.append("<p class=\"totals\">Cost and time: estimated cost ")
                .append(cellOf("totals.cost", totals.path("cost"), Html::num))
                .append(" (from the config's price_* keys) · ")
                .append(cellOf("totals.requests", totals.path("requests"), Headline::count)).append(" requests · ")
                .append(cellOf("totals.images", totals.path("images"), Headline::count)).append(" images · ")
                .append(cellOf("totals.seconds", totals.path("seconds"), Headline::duration))
                .append(" wall time</p>\n");
    }

    private void row(String label, String auroc, String auprc) {
        b.append("<tr><td>").append(Html.text(label)).append("</td><td>").append(auroc).append("</td><td>")
                .append(auprc).append("</td></tr>");
    }

    private static String cellOf(String path, JsonNode n, java.util.function.DoubleFunction<String> format) {
        return metric(path, n.isNumber() ? format.apply(n.asDouble()) : null, null);
    }

    /**
     * @param path  the data-metric name
     * @param shown the displayed value, or null for "not measured"
     * @param title a tooltip, or null
     * @return the value's element
     */
    static String metric(String path, String shown, String title) {
        return "<span class=\"metric" + (shown == null ? " nm" : "") + "\" data-metric=\"" + Html.text(path) + "\""
                + (title == null ? "" : " title=\"" + Html.text(title) + "\"") + ">"
                + Html.text(shown == null ? NOT_MEASURED : shown) + "</span>";
    }

    private static double value(JsonNode n) {
        return IterationTable.value(n);
    }

    static String decimal3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String decimal2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String count(double v) {
        return Long.toString(Math.round(v));
    }

    /** @return "42.5 s", "12 min 5 s" or "3 h 7 min" */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        long m = Math.round(seconds / 60);
        return (m / 60) + " h " + (m % 60) + " min";
    }
}
