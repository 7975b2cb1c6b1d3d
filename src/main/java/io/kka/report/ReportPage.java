package io.kka.report;

import java.util.List;
import java.util.Map;

/**
 * The report document: a body assembled section by section, then wrapped into one self-contained HTML file with
 * inline CSS and a Content-Security-Policy that allows no script, no network and only {@code data:} images, so
 * that even a mistake in escaping could not run code or leak a request.
 */
final class ReportPage {
    private static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
    private static final String CSS = String.join("\n",
            "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;margin:0 auto;",
            "max-width:1180px;padding:16px 24px}h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin-top:32px;",
            "border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:16px;margin-top:22px}",
            "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;",
            "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}",
            "table.kv td{text-align:left}pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:420px}",
            ".notes{background:#fff6e0;border:1px solid #e8c36a;padding:8px 14px}.missing{color:#8a5a00}",
            "figure{margin:12px 0}figure.plot{display:inline-block;vertical-align:top;margin-right:16px}",
            "figcaption{max-width:560px;font-size:13px;color:#444}.grid>figcaption{max-width:none}",
            ".tiles{display:flex;flex-wrap:wrap;gap:8px}figure.tile{width:132px;margin:0;font-size:11px}",
            "figure.tile img{display:block;width:84px;height:84px;image-rendering:pixelated;border:1px solid #ccc}",
            "figure.tile figcaption{word-wrap:break-word}.score{display:block;color:#777}",
            "svg.chart{background:#fff;font-size:11px}.grid line,line.grid{stroke:#eee}",
            "rect.frame{fill:none;stroke:#999}.tick{fill:#555}.axis-label{fill:#222;font-size:12px}",
            ".legend{fill:#222}.legend-box{fill:#fff;fill-opacity:.85;stroke:#ddd}",
            ".headline{background:#f3f7fc;border:1px solid #b9cde5;padding:2px 16px 6px;margin:12px 0}",
            ".headline h2{margin-top:10px;border:none}.headline table{display:inline-table;vertical-align:top;",
            "margin:4px 24px 8px 0;background:#fff}.headline .status{font-weight:600}",
            ".nm{color:#777;font-style:italic}");

    private final StringBuilder body = new StringBuilder();
    private String lead = "";
    private int figures;

    /** Sets the block shown first, above the notes and every section (HTML built by this package's builders). */
    ReportPage lead(String html) {
        lead = html + "\n";
        return this;
    }

    /** Appends a section heading. */
    ReportPage heading(int level, String text) {
        body.append("<h").append(level).append('>').append(Html.text(text)).append("</h").append(level).append(">\n");
        return this;
    }

    /** Appends a paragraph of plain text. */
    ReportPage paragraph(String text) {
        body.append("<p>").append(Html.text(text)).append("</p>\n");
        return this;
    }

    /** Appends a paragraph saying what is missing here. */
    ReportPage missing(String text) {
        body.append("<p class=\"missing\">").append(Html.text(text)).append("</p>\n");
        return this;
    }

    /** Appends HTML built by this package's escaping builders. */
    ReportPage html(String html) {
        body.append(html).append('\n');
        return this;
    }

    /** Appends preformatted plain text inside a collapsible block. */
    ReportPage pre(String summary, String text) {
        body.append("<details open><summary>").append(Html.text(summary)).append("</summary><pre>")
                .append(Html.text(text)).append("</pre></details>\n");
        return this;
    }

    /** Appends a two-column table of labels and values. */
    ReportPage keyValues(Map<String, String> rows) {
        body.append("<table class=\"kv\">");
        rows.forEach((k, v) -> body.append("<tr><th>").append(Html.text(k)).append("</th><td>").append(Html.text(v))
                .append("</td></tr>"));
        body.append("</table>\n");
        return this;
    }

    /** Appends a numbered figure with its caption. */
    ReportPage figure(Figures.Fig f) {
        figures++;
        body.append("<figure class=\"").append(f.kind()).append("\">").append(f.body()).append("<figcaption><b>Figure ")
                .append(figures).append(".</b> ").append(Html.text(f.caption())).append("</figcaption></figure>\n");
        return this;
    }

    /**
     * @param title page title
     * @param notes what is missing or unreadable, listed below the lead block
     * @return the whole document
     */
    String document(String title, List<String> notes) {
        StringBuilder b = new StringBuilder(body.length() + 4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.text(title)).append("</title><style>").append(CSS)
                .append("</style></head>\n<body>\n<h1>").append(Html.text(title)).append("</h1>\n").append(lead);
        if (!notes.isEmpty()) {
            b.append("<div class=\"notes\"><b>Missing from this run directory</b> (a partial run is expected to lack"
                    + " some of these):<ul>");
            notes.forEach(n -> b.append("<li>").append(Html.text(n)).append("</li>"));
            b.append("</ul></div>\n");
        }
        return b.append(body).append("</body></html>\n").toString();
    }
}
