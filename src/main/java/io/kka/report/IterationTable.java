package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The per-iteration table of the report, from each iteration's metrics.json (iteration-metrics schema). */
final class IterationTable {
    private static final String[] HEADERS = {"t", "mode", "generated", "images", "errors", "hard in G_t (judge)",
        "set size", "hard in A_t (baseline)", "set classes (entropy)", "Eq. 8 ratio [95% CI]", "threshold τ", "pairs",
        "AUROC", "AUPRC", "cost", "seconds"};

    private IterationTable() {
    }

    /**
     * @param iterations iteration → metrics (a missing node when the iteration has none)
     * @return an HTML table, one row per iteration
     */
    static String html(Map<Integer, JsonNode> iterations) {
        StringBuilder b = new StringBuilder("<table class=\"iterations\"><thead><tr>");
        for (String h : HEADERS) {
            b.append("<th>").append(Html.text(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        iterations.forEach((t, m) -> {
            b.append("<tr><td>").append(t).append("</td>");
            if (!m.isObject()) {
                b.append("<td colspan=\"").append(HEADERS.length - 1).append("\" class=\"missing\">no metrics.json"
                        + " for this iteration</td></tr>");
                return;
            }
            JsonNode gen = m.path("generation");
            JsonNode set = m.path("anomaly_set");
            JsonNode ev = m.path("evaluation");
            cell(b, m.path("mode").asText("—"));
            cell(b, num(gen.path("descriptions")));
            cell(b, num(gen.path("images")));
            cell(b, sum(gen.path("description_errors"), gen.path("image_errors")));
            JsonNode g = m.path("new_generation");
            cell(b, g.isObject() ? Html.num(value(g.path("hard_fraction"))) + " (" + g.path("judge").asText("?") + ")"
                    : "—");
            cell(b, num(set.path("size")));
            cell(b, num(set.path("hard_fraction")));
            cell(b, set.has("distinct_classes") ? set.path("distinct_classes").asInt() + " ("
                    + Html.num(value(set.path("class_entropy"))) + " bits)" : "—");
            cell(b, ratio(m.path("dpo_effect")));
            cell(b, num(m.path("threshold").path("value")));
            cell(b, num(m.path("pairs")));
            cell(b, num(ev.path("auroc")));
            cell(b, num(ev.path("auprc")));
            cell(b, num(m.path("usage").path("cost")));
            cell(b, num(m.path("seconds").path("total")));
            b.append("</tr>");
        });
        return b.append("</tbody></table>").toString();
    }

    /** @return "1.45 [1.10, 1.97]", or "—" without a measurement */
    static String ratio(JsonNode effect) {
        if (!effect.path("ratio").isNumber()) {
            return "—";
        }
        JsonNode ci = effect.path("ci95");
        String hi = ci.path(1).isNumber() ? Html.num(ci.path(1).asDouble()) : "∞";
        return Html.num(effect.path("ratio").asDouble()) + (ci.isArray() ? " [" + Html.num(ci.path(0).asDouble())
                + ", " + hi + "]" : "");
    }

    /** @return the node's number, or NaN when it is missing, null or not a number */
    static double value(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static String num(JsonNode n) {
        return Html.num(value(n));
    }

    private static String sum(JsonNode a, JsonNode b) {
        return Html.num(value(a) + value(b));
    }

    private static void cell(StringBuilder b, String text) {
        b.append("<td>").append(Html.text(text)).append("</td>");
    }
}
