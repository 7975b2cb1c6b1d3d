package io.kka.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.testing.SparkTestSession;
import io.kka.testing.SyntheticRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Tests for the report's parts: escaping, ticks, headline, histogram, ROC, image and latent samples. */
class ReportPartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> scores(List<Row> rows) {
        return spark.createDataFrame(rows, SyntheticRun.SCORES);
    }

    private static Row row(String id, String role, String split, int label, double score) {
        return RowFactory.create(id, role, split, label, null, score);
    }

    @Test
    void escapingNeutralisesMarkupAndControlCharacters() {
        assertEquals("&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;", Html.text("<script>a&b\"c'd</script>"));
        assertEquals("ab\nc", Html.text("a\u0000b\nc\u001b"));
        assertEquals("", Html.text(null));
        assertEquals("0.3", Html.num(0.30000000000000004));
        assertEquals("12", Html.num(12.0));
        assertEquals("1.235e+05", Html.num(123456.7));
        assertEquals("—", Html.num(Double.NaN));
    }

    @Test
    void ticksAreNiceAndCoverTheRange() {
        assertArrayEquals(new double[] {0, 12, 2}, Ticks.range(0.97, 11.95, 6), 1e-12);
        assertArrayEquals(new double[] {0, 1, 0.2}, Ticks.range(0, 1, 5), 1e-12);
        assertArrayEquals(new double[] {0, 2, 1}, Ticks.range(0, 2, 6, 1), 1e-12);
        double[] flat = Ticks.range(5, 5, 5);
        assertTrue(flat[0] < 5 && flat[1] > 5, "a single value gets a visible range");
    }

    /** metrics.json of a run with iterations 0 … n − 1; Eq. 8 measured from t = 1 if eq8, final if finished */
    private static ObjectNode metrics(int n, boolean eq8, boolean finished) {
        ObjectNode m = JSON.createObjectNode();
        var its = m.putArray("iterations");
        for (int t = 0; t < n; t++) {
            ObjectNode it = its.addObject().put("iteration", t);
            it.putObject("anomaly_set").put("hard_fraction", 0.25 + 0.125 * t);
            it.putObject("new_generation").put("hard_fraction", t == 1 ? 0.0 : 0.4);
            it.putObject("evaluation").put("auroc", 0.7 + 0.01 * t).put("auprc", 0.6);
            if (t == 0) {
                it.putObject("baseline").put("detector", "Deep SVDD").putObject("evaluation").put("auroc", 0.6543)
                        .put("auprc", 0.5);
            }
            if (eq8 && t > 0) {
                it.putObject("dpo_effect").put("ratio", 1.5 - 0.5 * t).putArray("ci95").add(0.8).addNull();
            } else {
                it.putNull("dpo_effect");
            }
        }
        if (finished) {
            m.putObject("final").put("iteration", n - 1).put("detector", "SAD+KKA").put("auroc", 0.8123)
                    .putNull("auprc").put("test_rows", 100);
        } else {
            m.putNull("final");
        }
        m.putObject("totals").put("cost", 1.25).put("requests", 30).put("images", 84).put("seconds", 5437.0);
        return m;
    }

    private static Map<Integer, JsonNode> byIteration(JsonNode metrics) {
        Map<Integer, JsonNode> out = new TreeMap<>();
        metrics.path("iterations").forEach(it -> out.put(it.path("iteration").asInt(), it));
        return out;
    }

    @Test
    void headlineComparesFinalWithBaselineAndShowsTheTrends() {
        ObjectNode m = metrics(3, true, true);
        String html = Headline.html(m, byIteration(m));
        Map<String, String> shown = RunReportTest.headlineMetrics(html);
        RunReportTest.assertHeadlineMatches(m, shown, 3);
        assertEquals("0.812", shown.get("final.auroc"));
        assertEquals("0.654", shown.get("iterations[0].baseline.evaluation.auroc"));
        assertEquals("+15.8 points", shown.get("delta.auroc"));
        assertEquals(Headline.NOT_MEASURED, shown.get("final.auprc"), "a null AUPRC is not 0");
        assertEquals(Headline.NOT_MEASURED, shown.get("delta.auprc"));
        assertEquals("0.0%", shown.get("iterations[1].new_generation.hard_fraction"), "a measured 0 is 0");
        assertEquals("50.0%", shown.get("iterations[2].anomaly_set.hard_fraction"));
        assertEquals("+25.0 points", shown.get("trend.anomaly_set.hard_fraction"));
        assertEquals("1.00", shown.get("iterations[1].dpo_effect.ratio"));
        assertEquals("∞", shown.get("iterations[1].dpo_effect.ci95[1]"), "an unbounded interval");
        assertEquals("0", shown.get("eq8.above_one"), "1.0 and 0.5 are not above 1");
        assertEquals("2", shown.get("eq8.measured"));
        assertEquals("1 h 31 min", shown.get("totals.seconds"));
        assertTrue(html.startsWith("<section class=\"headline\" id=\"headline\"><h2>Result at a glance</h2>"));
        assertTrue(html.contains("<p class=\"status\">Finished: the final detector (SAD+KKA)"), html);
        assertTrue(html.contains("title=\"no DPO step comes before iteration 0\""), html);
        // the checker is not a tautology: a shown 0 for a null, or a value off by one displayed digit, fail it
        Map<String, String> zero = new TreeMap<>(shown);
        zero.put("final.auprc", "0.000");
        assertThrows(AssertionFailedError.class, () -> RunReportTest.assertHeadlineMatches(m, zero, 3));
        Map<String, String> off = new TreeMap<>(shown);
        off.put("final.auroc", "0.811");
        assertThrows(AssertionFailedError.class, () -> RunReportTest.assertHeadlineMatches(m, off, 3));
        Map<String, String> lacking = new TreeMap<>(shown);
        lacking.remove("totals.cost");
        assertThrows(AssertionFailedError.class, () -> RunReportTest.assertHeadlineMatches(m, lacking, 3));
    }

    @Test
    void headlineWithoutEq8SaysNotMeasuredNeverZero() {
        ObjectNode m = metrics(3, false, true);
        // a measurement whose ratio is undefined (no hard anomaly before DPO) is not measured either
        ((ObjectNode) m.get("iterations").get(2)).putObject("dpo_effect").putNull("ratio").putNull("ci95");
        ObjectNode noBaseline = (ObjectNode) m.get("iterations").get(0);
        ((ObjectNode) noBaseline.get("baseline")).putNull("evaluation");
        String html = Headline.html(m, byIteration(m));
        Map<String, String> shown = RunReportTest.headlineMetrics(html);
        RunReportTest.assertHeadlineMatches(m, shown, 3);
        for (int t = 0; t < 3; t++) {
            assertEquals(Headline.NOT_MEASURED, shown.get("iterations[" + t + "].dpo_effect.ratio"), "t = " + t);
        }
        assertEquals(Headline.NOT_MEASURED, shown.get("iterations[0].baseline.evaluation.auroc"));
        assertEquals(Headline.NOT_MEASURED, shown.get("delta.auroc"), "no baseline, no difference");
        assertTrue(html.contains("title=\"the language model did not change before this iteration\""), html);
        assertTrue(html.contains("title=\"no hard anomaly before DPO: the ratio is undefined\""), html);
        assertTrue(html.contains("Eq. 8 not measured in any iteration"), html);
        assertFalse(shown.containsKey("eq8.measured"));
        assertFalse(html.matches("(?s).*data-metric=\"[^\"]*dpo_effect[^\"]*\"[^>]*>0[^.].*"), "no 0 for Eq. 8");
    }

    @Test
    void headlineOfAnUnfinishedRunSaysSoAndShowsWhatExists() {
        ObjectNode m = metrics(2, true, false);
        String html = Headline.html(m, byIteration(m));
        Map<String, String> shown = RunReportTest.headlineMetrics(html);
        RunReportTest.assertHeadlineMatches(m, shown, 2);
        assertTrue(html.contains("<p class=\"status\">Not finished: the final detector has not run (metrics.json&#39;s"
                + " final result is null). Shown is what the committed iterations 0–1 measured.</p>"), html);
        assertTrue(html.contains("<td>final detector (not run yet)</td>"));
        assertEquals(Headline.NOT_MEASURED, shown.get("final.auroc"));
        assertEquals(Headline.NOT_MEASURED, shown.get("delta.auroc"));
        assertEquals("0.710", shown.get("iterations[1].evaluation.auroc"), "the last evaluator as an interim");
        assertEquals("0.654", shown.get("iterations[0].baseline.evaluation.auroc"));
        assertEquals("1.00", shown.get("iterations[1].dpo_effect.ratio"));
        // nothing at all yet: no metrics.json, no iteration
        String empty = Headline.html(JSON.missingNode(), Map.of());
        assertTrue(empty.contains("Not finished: the final detector has not run (there is no metrics.json). No"
                + " iteration has been committed yet."), empty);
        Map<String, String> none = RunReportTest.headlineMetrics(empty);
        assertEquals(Headline.NOT_MEASURED, none.get("totals.cost"));
        assertEquals(Headline.NOT_MEASURED, none.get("final.auroc"));
    }

    @Test
    void histogramCountsOnlyItsGroupsAndKeepsOverflowAndThresholdInView() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(row("v" + i, "normal", "val", 0, 1 + i / 100.0));
            rows.add(row("n" + i, "normal", "train", 0, 500));
            rows.add(row("tn" + i, "test", "test", 0, 700));
        }
        for (int i = 0; i < 30; i++) {
            rows.add(row("g" + i, "generated", "train", 1, i < 29 ? 1.5 + i / 10.0 : 1000));
            rows.add(row("ta" + i, "test", "test", 1, 2 + i / 30.0));
        }
        rows.add(row("nan", "generated", "train", 1, Double.NaN));
        ScoreHistogram.Result h = ScoreHistogram.of(40).compute(scores(rows), 0.5);
        assertEquals(100, h.total(ScoreHistogram.VAL_NORMAL));
        assertEquals(30, h.total(ScoreHistogram.GENERATED), "NaN dropped, overflow kept");
        assertEquals(30, h.total(ScoreHistogram.TEST_ANOMALY));
        assertEquals(0.5, h.lo(), 1e-12, "the threshold is inside the x range");
        assertEquals(1, h.overflow(), "the one far score is counted in the last bin");
        assertEquals(1000, h.max(), 1e-12);
        assertTrue(h.lo() + 40 * h.width() < 10, "the far score does not stretch the axis: " + h);
        assertNull(ScoreHistogram.of(40).compute(scores(List.of(row("x", "normal", "train", 0, 1))), 1));
        assertThrows(IllegalArgumentException.class, () -> ScoreHistogram.of(1));
    }

    @Test
    void rocMatchesExactAurocWithinBucketing() {
        Random rnd = new Random(3);
        List<Row> rows = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int label = i % 3 == 0 ? 1 : 0;
            double s = Math.round((rnd.nextGaussian() + label * 1.2) * 50) / 50.0;
            rows.add(row("r" + i, "test", "test", label, s));
            all.add(new double[] {label, s});
        }
        RocCurve.Result r = RocCurve.of(512).compute(scores(rows));
        assertEquals(exactAuroc(all), r.auroc(), 0.003);
        assertEquals(200, r.positives());
        assertEquals(400, r.negatives());
        assertEquals(1, r.fpr()[r.fpr().length - 1], 1e-12);
        assertEquals(1, r.tpr()[r.tpr().length - 1], 1e-12);
        List<Row> separated = List.of(row("a", "test", "test", 0, 1), row("b", "test", "test", 1, 9),
                row("c", "test", "test", 0, 2), row("d", "test", "test", 1, 7));
        assertEquals(1.0, RocCurve.of(512).compute(scores(separated)).auroc(), 1e-12);
        assertNull(RocCurve.of(512).compute(scores(List.of(row("a", "test", "test", 0, 1)))), "one class");
    }

    /** Mann-Whitney U / (P·N), ties counted half. */
    private static double exactAuroc(List<double[]> all) {
        double wins = 0;
        long p = 0;
        long n = 0;
        for (double[] a : all) {
            if (a[0] == 1) {
                p++;
                for (double[] b : all) {
                    if (b[0] == 0) {
                        wins += a[1] > b[1] ? 1 : a[1] == b[1] ? 0.5 : 0;
                    }
                }
            } else {
                n++;
            }
        }
        return wins / (p * n);
    }

    @Test
    void imageSampleIsBoundedSeededAndSkipsFailedRows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        var dir = SyntheticRun.of(1, false, null).write(spark, tmp.resolve("run"));
        Dataset<Row> gen = spark.read().parquet(dir.resolve("iterations/000/generated").toString());
        SampleGrid.Result a = SampleGrid.of(5, 1).pick(gen);
        assertEquals(5, a.tiles().get("hard").size());
        assertEquals(5, a.tiles().get("easy").size());
        assertEquals(8L, a.counts().get("hard"));
        assertEquals(20L, a.counts().get("easy"));
        assertEquals(2L, a.counts().get("failed"));
        assertTrue(a.tiles().get("hard").stream().allMatch(t -> Figures.isPng(t.png())));
        SampleGrid.Result again = SampleGrid.of(5, 1).pick(gen);
        assertEquals(ids(a), ids(again), "same seed, same sample");
        assertNotEquals(ids(a), ids(SampleGrid.of(5, 2).pick(gen)), "another seed, another sample");
    }

    private static List<String> ids(SampleGrid.Result r) {
        List<String> out = new ArrayList<>();
        r.tiles().values().forEach(ts -> ts.forEach(t -> out.add(t.sampleId())));
        return out;
    }

    @Test
    void latentSampleIsCappedAndDropsUnknownKinds() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(RowFactory.create("p" + i, i % 2 == 0 ? "normal" : "test_anomaly", (double) i, (double) -i));
        }
        rows.add(RowFactory.create("odd", "mystery", 0.0, 0.0));
        rows.add(RowFactory.create("nan", "normal", Double.NaN, 0.0));
        LatentMap.Result m = LatentMap.of(20, 5).sample(spark.createDataFrame(rows, SyntheticRun.LATENT));
        assertEquals(50, m.total());
        assertEquals(20, m.drawn());
        assertEquals(0, m.points().get("generated")[0].length);
    }
}
