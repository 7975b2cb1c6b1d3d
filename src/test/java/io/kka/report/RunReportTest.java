package io.kka.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.data.InvalidInputException;
import io.kka.store.RunLayout;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import io.kka.testing.SyntheticRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link RunReport} on synthetic run directories, in code and in headless Chromium. */
class RunReportTest {
    static final String MALICIOUS = "</figcaption><script>alert('x')</script><img src=x onerror=\"alert(1)\">"
            + "' onload='alert(2)";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** what the browser test measures on the loaded page */
    static final String PROBE = "({"
            + "images: document.images.length,"
            + "decoded: Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,"
            + "plots: document.querySelectorAll('figure.plot > svg').length,"
            + "svgs: document.querySelectorAll('svg').length,"
            + "captions: document.querySelectorAll('figure.plot > figcaption, figure.grid > figcaption').length,"
            + "scripts: document.scripts.length,"
            + "width: document.documentElement.scrollWidth,"
            + "afterTitle: document.querySelector('h1').nextElementSibling.id,"
            + "headlineBottom: document.getElementById('headline').getBoundingClientRect().bottom,"
            + "firstSectionTop: document.querySelector('body > h2').getBoundingClientRect().top,"
            + "firstSection: document.querySelector('body > h2').textContent,"
            + "metricElements: document.querySelectorAll('#headline [data-metric]').length,"
            + "metrics: Object.fromEntries(Array.from(document.querySelectorAll('#headline [data-metric]'),"
            + " e => [e.dataset.metric, e.textContent]))})";
    private static final Pattern METRIC = Pattern.compile(
            "<span class=\"metric(?: nm)?\" data-metric=\"([^\"]+)\"(?: title=\"[^\"]*\")?>([^<]*)</span>");
    private static final Pattern SHOWN = Pattern.compile(
            "([+-]?\\d+(?:\\.(\\d+))?)(%| points| s)?|(\\d+) min (\\d+) s|(\\d+) h (\\d+) min");


    @TempDir
    static Path tmp;
    static Path full;
    static String fullHtml;
    static SparkSession spark;

    @BeforeAll
    static void writeFullRun() throws Exception {
        spark = SparkTestSession.get();
        full = SyntheticRun.of(3, true, MALICIOUS).write(spark, tmp.resolve("full"));
        String index = RunReport.of(new RunLayout(full.toString())).write(spark);
        assertEquals(full.resolve("report/index.html").toUri().getPath(), Path.of(index.replace("file:", ""))
                .toString());
        fullHtml = Files.readString(full.resolve("report/index.html"));
    }

    static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void syntheticRunFollowsTheSchemas() throws Exception {
        // metrics.schema.json refers to state.schema.json by URI, which the validator cannot fetch offline: check
        // its parts with the schemas that define them
        JsonNode metrics = JSON.readTree(full.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("iterations").size());
        for (JsonNode it : metrics.get("iterations")) {
            assertEquals(List.of(), SchemaValidation.errors("iteration-metrics.schema.json", it));
        }
        for (int t = 0; t < 3; t++) {
            assertEquals(List.of(), SchemaValidation.errors("iteration-metrics.schema.json",
                    JSON.readTree(full.resolve(String.format("iterations/%03d/metrics.json", t)).toFile())));
        }
        assertEquals(List.of(), SchemaValidation.errors("state.schema.json",
                JSON.readTree(full.resolve("state.json").toFile())));
        assertEquals(List.of(), SchemaValidation.rowErrors("samples.schema.json",
                spark.read().parquet(full.resolve("iterations/001/generated").toString()), 40));
    }

    @Test
    void fullRunRendersEverySection() {
        SyntheticRun run = SyntheticRun.of(3, true, MALICIOUS);
        for (String h : new String[] {"Configuration and provenance", "Iterations", "Iteration 0", "Iteration 1",
            "Iteration 2", "Final detector", "Latent space"}) {
            assertTrue(fullHtml.contains(">" + h + "</h"), "section " + h);
        }
        assertFalse(fullHtml.contains("class=\"notes\""), "a complete run lists nothing as missing");
        assertTrue(fullHtml.contains("</h1>\n<section class=\"headline\" id=\"headline\">"), "the headline first");
        assertTrue(fullHtml.indexOf("id=\"headline\"") < fullHtml.indexOf(">Configuration and provenance</h2>"));
        assertTrue(fullHtml.contains("<p class=\"status\">Finished: the final detector (SAD+KKA)"));
        assertFalse(fullHtml.contains("class=\"missing\""));
        assertEquals(run.expectedPlots(), count(fullHtml, "<svg "));
        assertEquals(run.expectedImages(), count(fullHtml, "<img "));
        assertEquals(68, run.expectedImages());
        int figures = count(fullHtml, "<figure class=\"(plot|grid)\">");
        assertEquals(run.expectedPlots() + 6, figures, "7 charts and 6 image grids");
        assertEquals(figures, count(fullHtml, "<figcaption><b>Figure \\d+\\.</b> [^<]{20,}"), "every figure captioned");
        assertEquals(2 * run.expectedPlots(), count(fullHtml, "class=\"axis-label\""), "both axes labelled");
        String belowHeadline = fullHtml.substring(fullHtml.indexOf("</section>"));
        assertEquals(3, count(belowHeadline, "<tr><td>\\d"), "one table row per iteration");
        assertTrue(fullHtml.contains("hard threshold τ ="));
        assertTrue(fullHtml.contains("SAD+KKA (AUROC ≈"));
        assertTrue(fullHtml.contains("Hard generated anomalies of iteration 2: 12 of 16"), "counts beside sample");
        assertTrue(fullHtml.contains("a bag with a torn strap"));
        // what the loop learnt: the Eq. 8 ratio with its interval, the baseline line, the class mix per iteration
        assertTrue(fullHtml.contains("Eq. 8 ratio [95% CI]"));
        assertTrue(fullHtml.contains("<td>1.2 [0.9, 1.6]</td>") || fullHtml.matches("(?s).*<td>[0-9.]+ \\[0\\.9,"
                + " 1\\.6\\]</td>.*"), "the ratio and its CI are in the table");
        assertTrue(fullHtml.contains("No anomalies (normals only)"));
        assertTrue(fullHtml.contains("<th>G_2 (hard)</th>") && fullHtml.contains("<td>Shirt</td>"), "class mix");
        assertTrue(fullHtml.contains("config_sha256") || fullHtml.contains("config sha256"));
        assertTrue(fullHtml.contains("normal_classes: [bag]"), "config shown");
    }

    @Test
    void descriptionsAreEscapedAndNoScriptComesFromData() {
        assertFalse(fullHtml.toLowerCase().contains("<script"), "no script element at all");
        assertFalse(fullHtml.contains("onerror=\""));
        assertFalse(fullHtml.contains("onload='"));
        assertTrue(fullHtml.contains("&lt;/figcaption&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(fullHtml.contains("content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\""));
        assertFalse(fullHtml.matches("(?s).*(src|href)=\"(https?:|//).*"), "no external resource");
    }

    @Test
    void partialRunRendersWhatExistsAndSaysWhatIsMissing() throws Exception {
        Path dir = SyntheticRun.of(2, false, null).write(spark, tmp.resolve("partial"));
        deleteTree(dir.resolve("iterations/001/generated"));
        Path out = tmp.resolve("elsewhere");
        String index = RunReport.of(new RunLayout(dir.toString())).withOutput(out.toString()).write(spark);
        assertTrue(index.endsWith("elsewhere/index.html"), index);
        String html = Files.readString(out.resolve("index.html"));
        assertFalse(Files.exists(dir.resolve("report")));
        String notes = html.substring(html.indexOf("class=\"notes\""), html.indexOf("</div>"));
        for (String missing : new String[] {"iterations/001/generated/ is missing", "final/scores/ is missing",
            "final/latent/ is missing", "metrics.json: no final detector result"}) {
            assertTrue(notes.contains(missing), missing + " in " + notes);
        }
        assertEquals(2 + 2, count(html, "<svg "), "progress charts and two histograms");
        assertEquals(Math.min(12, SyntheticRun.hard(0)) + Math.min(12, SyntheticRun.easy(0)), count(html, "<img "));
        assertTrue(html.contains("metrics.json has no final result yet"));
        assertTrue(html.indexOf("id=\"headline\"") < html.indexOf("class=\"notes\""), "the headline comes first");
        assertTrue(html.contains("<p class=\"status\">Not finished: the final detector has not run (metrics.json&#39;s"
                + " final result is null). Shown is what the committed iterations 0–1 measured.</p>"));
        java.util.Map<String, String> shown = headlineMetrics(html);
        assertHeadlineMatches(JSON.readTree(dir.resolve("metrics.json").toFile()), shown, 2);
        assertEquals(Headline.NOT_MEASURED, shown.get("final.auroc"));
        assertEquals(Headline.NOT_MEASURED, shown.get("delta.auprc"));
        assertEquals("0.750", shown.get("iterations[1].evaluation.auroc"), "the last evaluator, as an interim");
    }

    @Test
    void missingOrEmptyRunDirectoryIsABadInput() throws Exception {
        var missing = assertThrows(InvalidInputException.class,
                () -> RunReport.of(new RunLayout(tmp.resolve("nope").toString())).write(spark));
        assertTrue(missing.getMessage().endsWith("nope does not exist"), missing.getMessage());
        Files.createDirectories(tmp.resolve("empty"));
        var empty = assertThrows(InvalidInputException.class,
                () -> RunReport.of(new RunLayout(tmp.resolve("empty").toString())).write(spark));
        assertTrue(empty.getMessage().contains("holds no run"), empty.getMessage());
        assertFalse(Files.exists(tmp.resolve("empty/report")));
    }

    /**
     * Opens the report in headless Chromium: it loads without console errors, every image decodes, every chart is
     * there, no script runs; the screenshot is kept as a build artifact. Fails, never skips, without Chromium.
     */
    @Test
    void loadsInHeadlessChromiumWithoutErrors() throws Exception {
        SyntheticRun synthetic = SyntheticRun.of(3, true, MALICIOUS);
        Path broken = tmp.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><script>throw new Error('boom')</script>"
                + "<script>console.error('bad')</script></body></html>");
        try (HeadlessChromium chromium = HeadlessChromium.launch(Files.createDirectory(tmp.resolve("profile")))) {
            HeadlessChromium.Page control = chromium.open(broken, "1");
            assertEquals(2, control.errors().size(), "the probe sees errors when there are some: " + control.errors());

            HeadlessChromium.Page page = chromium.open(full.resolve("report/index.html"), PROBE);
            assertEquals(List.of(), page.errors());
            JsonNode v = page.evaluation();
            assertEquals(synthetic.expectedImages(), v.path("images").asInt(), v.toString());
            assertEquals(synthetic.expectedImages(), v.path("decoded").asInt(), "every image decodes: " + v);
            assertEquals(synthetic.expectedPlots(), v.path("plots").asInt(), v.toString());
            assertEquals(synthetic.expectedPlots(), v.path("svgs").asInt(), v.toString());
            assertEquals(synthetic.expectedPlots() + 6, v.path("captions").asInt(), v.toString());
            assertEquals(0, v.path("scripts").asInt(), "no script from data: " + v);
            assertTrue(v.path("width").asInt() <= 1280, "no horizontal overflow: " + v);
            // the headline comes first, and every number in it is what metrics.json says, as displayed
            assertEquals("headline", v.path("afterTitle").asText(), "the headline follows the title");
            assertEquals("Configuration and provenance", v.path("firstSection").asText());
            assertTrue(v.path("headlineBottom").asDouble() <= v.path("firstSectionTop").asDouble(), v.toString());
            java.util.Map<String, String> shown = new java.util.TreeMap<>();
            v.path("metrics").fields().forEachRemaining(e -> shown.put(e.getKey(), e.getValue().asText()));
            assertEquals(v.path("metricElements").asInt(), shown.size(), "each data-metric once: " + shown);
            JsonNode metrics = JSON.readTree(full.resolve("metrics.json").toFile());
            assertHeadlineMatches(metrics, shown, 3);
            assertEquals("0.830", shown.get("final.auroc"));
            assertEquals("+18.0 points", shown.get("delta.auroc"));
            assertEquals(Headline.NOT_MEASURED, shown.get("iterations[0].dpo_effect.ratio"), "t = 0 has no DPO");
            assertEquals("1.20", shown.get("iterations[1].dpo_effect.ratio"));
            Path shot = SchemaValidation.projectDir().resolve("target/report-screenshot.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, page.screenshot());
            assertTrue(page.screenshot().length > 10_000, "a real screenshot");
        }
    }

    @Test
    void cliRewritesTheSameBytesAndExitsWith2WithoutARun() throws Exception {
        Path out = tmp.resolve("cli-out");
        String[] ok = cli("report", full.toString(), "--output", out.toString());
        assertEquals("0", ok[0], ok[2]);
        assertEquals(out.resolve("index.html").toString(), ok[1].trim().replaceFirst("^file:", ""));
        assertEquals(fullHtml, Files.readString(out.resolve("index.html")), "same run, same bytes");
        String[] missing = cli("report", tmp.resolve("no-such-run").toString());
        assertEquals("2", missing[0]);
        assertEquals("kka: error: run directory " + tmp.resolve("no-such-run") + " does not exist", missing[2].trim());
        String[] usage = cli("report");
        assertEquals("2", usage[0]);
        assertTrue(usage[2].contains("Missing required parameter: 'RUN_DIR'"), usage[2]);
    }

    /** @return data-metric → displayed text of every value in the headline of {@code html} */
    static java.util.Map<String, String> headlineMetrics(String html) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        Matcher m = METRIC.matcher(html);
        while (m.find()) {
            assertEquals(null, out.put(m.group(1), m.group(2).replace("&amp;", "&")), "once: " + m.group(1));
        }
        return out;
    }

    /**
     * Checks every value the headline shows against metrics.json, to the precision it is shown with: a value that
     * metrics.json lacks (or holds as null) must read "not measured"; a number must equal the JSON value within
     * half a unit of its last displayed digit. Also checks that the headline shows every value it must.
     *
     * @param metrics    the run's metrics.json
     * @param shown      data-metric → displayed text
     * @param iterations the run's committed iterations 0 … iterations − 1
     */
    static void assertHeadlineMatches(JsonNode metrics, java.util.Map<String, String> shown, int iterations) {
        List<String> required = new java.util.ArrayList<>(List.of("final.auroc", "final.auprc",
                "iterations[0].baseline.evaluation.auroc", "iterations[0].baseline.evaluation.auprc", "delta.auroc",
                "delta.auprc", "totals.cost", "totals.requests", "totals.images", "totals.seconds"));
        for (int t = 0; t < iterations; t++) {
            for (String k : new String[] {"anomaly_set.hard_fraction", "new_generation.hard_fraction",
                "dpo_effect.ratio"}) {
                required.add("iterations[" + t + "]." + k);
            }
        }
        assertTrue(shown.keySet().containsAll(required), "the headline shows " + shown.keySet());
        shown.forEach((path, text) -> {
            double expected = expected(metrics, path);
            if (Double.isNaN(expected)) {
                boolean unbounded = path.endsWith("ci95[1]")
                        && at(metrics, path.substring(0, path.length() - 3)).isArray();
                assertEquals(unbounded ? "∞" : Headline.NOT_MEASURED, text, path + " is not in metrics.json");
                return;
            }
            double[] v = parse(path, text);
            assertEquals(expected, v[0], v[1] + 1e-9, path + " shows " + text + ", metrics.json says " + expected);
        });
    }

    /** @return {value, tolerance} of a displayed number: "0.830", "28.6%", "+18.0 points", "12 min 5 s" */
    private static double[] parse(String path, String text) {
        Matcher m = SHOWN.matcher(text);
        assertTrue(m.matches(), path + ": not a displayed number: " + text);
        if (m.group(4) != null) {
            return new double[] {60 * Double.parseDouble(m.group(4)) + Double.parseDouble(m.group(5)), 0.5};
        }
        if (m.group(6) != null) {
            return new double[] {3600 * Double.parseDouble(m.group(6)) + 60 * Double.parseDouble(m.group(7)), 30};
        }
        double scale = m.group(3) == null || m.group(3).equals(" s") ? 1 : 0.01;
        double half = 0.5 * Math.pow(10, -(m.group(2) == null ? 0 : m.group(2).length()));
        return new double[] {Double.parseDouble(m.group(1)) * scale, half * scale};
    }

    /** @return what a data-metric names, from metrics.json (NaN where it holds no number; points as fractions) */
    private static double expected(JsonNode metrics, String path) {
        if (path.startsWith("delta.")) {
            String k = path.substring("delta.".length());
            return number(at(metrics, "final." + k)) - number(at(metrics, "iterations[0].baseline.evaluation." + k));
        }
        if (path.startsWith("trend.")) {
            String k = path.substring("trend.".length());
            List<Double> v = new java.util.ArrayList<>();
            metrics.path("iterations").forEach(it -> v.add(number(at(it, k))));
            v.removeIf(d -> Double.isNaN(d));
            return v.size() < 2 ? Double.NaN : v.get(v.size() - 1) - v.get(0);
        }
        if (path.startsWith("eq8.")) {
            int n = 0;
            for (JsonNode it : metrics.path("iterations")) {
                JsonNode e = it.path("dpo_effect");
                double lo = number(e.path("ci95").path(0));
                n += !e.path("ratio").isNumber() ? 0 : switch (path) {
                    case "eq8.measured" -> 1;
                    case "eq8.above_one" -> e.path("ratio").asDouble() > 1 ? 1 : 0;
                    case "eq8.ci_above_one" -> lo > 1 ? 1 : 0;
                    default -> throw new AssertionError("unknown derived metric " + path);
                };
            }
            return n;
        }
        return number(at(metrics, path));
    }

    /** @return the node at a path such as {@code iterations[1].dpo_effect.ci95[0]}, iterations[t] being t's */
    static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            Matcher m = Pattern.compile("(\\w+)(?:\\[(\\d+)])?").matcher(part);
            assertTrue(m.matches(), path);
            n = n.path(m.group(1));
            if (m.group(2) != null) {
                int i = Integer.parseInt(m.group(2));
                JsonNode found = n.path(i);
                if (m.group(1).equals("iterations")) {
                    found = root.path("missing");
                    for (JsonNode it : n) {
                        found = it.path("iteration").asInt(-1) == i ? it : found;
                    }
                }
                n = found;
            }
        }
        return n;
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** @return {exit code, stdout, stderr} of {@code kka args} */
    static String[] cli(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        var o = new java.io.ByteArrayOutputStream();
        var e = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = io.kka.cli.Kka.run(args);
            return new String[] {Integer.toString(code), o.toString(java.nio.charset.StandardCharsets.UTF_8),
                e.toString(java.nio.charset.StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
            // Kka.run rebuilt Log4j's console appender on the captured stream: rebuild it on the real one
            ((org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false))
                    .reconfigure();
        }
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
