package io.kka.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigLoader;
import io.kka.config.EvaluatorConfig;
import io.kka.config.JobConfig;
import io.kka.loop.AnomalySetUpdater;
import io.kka.loop.FakeRuns;
import io.kka.store.RunLayout;
import io.kka.testing.Cli;
import io.kka.testing.Fixtures;
import io.kka.testing.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kka bench kka --detector X}: X alone and X+KKA refitted on a finished run, and their report columns. */
class BenchKkaDetectorTest {
    // the report's JSON line writes NaN for figures that do not exist (Eq. 8 at t = 0)
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** On a run written by the real loop (fake stages): SimpleNet on its normals, and on normals + A_T. */
    @Test
    void simpleNetIsFittedOnTheRunsNormalsAndItsFinalAnomalySet(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        // T = 0 (KKA(0) only) keeps the test short: A_T is then A_0
        Path run = FakeRuns.write(spark, Fixtures.fashionMnist(dir.resolve("fm"), 12, 5), dir.resolve("run"), 0,
                Integer.MAX_VALUE);
        // a small budget: the figures' plumbing is under test here, SimpleNet itself in SimpleNetTest
        JobConfig cfg = ConfigLoader.parse("", "test", List.of("evaluator.pretrain.epochs=2",
                "evaluator.simplenet.epochs=3", "evaluator.workers=2"));
        RunLayout layout = new RunLayout(run.toString());
        DetectorRefit.Figures f = DetectorRefit.run(spark, cfg, layout, EvaluatorConfig.Kind.SIMPLENET,
                List.of("Bag"), 7);
        assertEquals("simplenet", f.kind());
        assertTrue(f.detector().startsWith("SimpleNet ("), f.detector());
        for (double a : new double[] {f.alone(), f.aloneKnown(), f.kka(), f.kkaKnown(), f.aloneUnknown()}) {
            assertTrue(a >= 0 && a <= 1, f.toString());
        }
        long finalSet = AnomalySetUpdater.usable(spark.read().parquet(layout.iteration(0, "anomaly_set"))).count();
        assertTrue(finalSet > 0);
        assertEquals(finalSet, f.anomalies());

        // resumed: read from the cache beside the run, refitted once the detector's settings change
        Path cache = Path.of(run + "-simplenet.json");
        ObjectNode saved = (ObjectNode) JSON.readTree(Files.readString(cache));
        ((ObjectNode) saved.get("figures")).put("alone", 0.125);
        Files.writeString(cache, saved.toString());
        Files.deleteIfExists(cache.resolveSibling("." + cache.getFileName() + ".crc")); // Hadoop's local checksum
        assertEquals(0.125, DetectorRefit.run(spark, cfg, layout, EvaluatorConfig.Kind.SIMPLENET, List.of("Bag"),
                7).alone());
        JobConfig other = ConfigLoader.parse("", "test", List.of("evaluator.pretrain.epochs=2",
                "evaluator.simplenet.epochs=2", "evaluator.workers=2"));
        var conf = spark.sparkContext().hadoopConfiguration();
        assertEquals(0.125, DetectorRefit.cached(cache.toString(), DetectorRefit.key(cfg,
                EvaluatorConfig.Kind.SIMPLENET, 7), conf).alone());
        assertEquals(null, DetectorRefit.cached(cache.toString(), DetectorRefit.key(other,
                EvaluatorConfig.Kind.SIMPLENET, 7), conf), "other settings: refitted");
        assertEquals(null, DetectorRefit.cached(cache.toString(), DetectorRefit.key(cfg,
                EvaluatorConfig.Kind.SIMPLENET, 8), conf), "another seed: refitted");
    }

    private static KkaBench.Task task(long seed, double kka, DetectorRefit.Figures f) {
        List<Double> s = List.of(kka, kka);
        List<Double> nan = List.of(Double.NaN, Double.NaN);
        KkaBench.Series series = new KkaBench.Series(s, s, s, nan, nan, nan, nan);
        return new KkaBench.Task("Coat", seed, 0.7, 0.7, 0.7, Map.of("kka", series, "no_dpo", series, "random",
                series), f);
    }

    private static String print(List<KkaBench.Task> tasks, String detector) {
        StringWriter out = new StringWriter();
        BenchKkaReport.print(new PrintWriter(out), tasks, 1, "replace", 2, List.of("Bag"), detector, 10);
        return out.toString();
    }

    @Test
    void reportPrintsTheDetectorColumnsAndTheirPairedDifferences() throws Exception {
        String text = print(List.of(
                task(1, 0.90, new DetectorRefit.Figures("simplenet", "SimpleNet (…)", 0.80, 0.78, 0.9, 0.86, 0.85,
                        0.95, 200)),
                task(2, 0.92, new DetectorRefit.Figures("simplenet", "SimpleNet (…)", 0.70, 0.68, 0.8, 0.80, 0.79,
                        0.9, 200))), "simplenet");
        String[] lines = text.strip().split("\n");
        assertTrue(lines[0].contains(" simplenet simplenet_kka"), lines[0]);
        JsonNode json = JSON.readTree(lines[lines.length - 1]);
        assertEquals("simplenet", json.get("detector").asText());
        assertEquals("SimpleNet (…)", json.get("detector_description").asText());
        assertEquals(0.75, json.at("/columns/simplenet/mean").asDouble(), 1e-12);
        assertEquals(0.83, json.at("/columns/simplenet_kka/mean").asDouble(), 1e-12);
        assertEquals(Math.sqrt(0.005), json.at("/columns/simplenet/std").asDouble(), 1e-12);
        assertTrue(json.at("/columns/simplenet/ci95").isNumber());
        assertEquals(0.82, json.at("/known/simplenet_kka/mean").asDouble(), 1e-12);
        assertEquals(0.85, json.at("/unknown/simplenet/mean").asDouble(), 1e-12);
        assertEquals(0.08, json.at("/paired/simplenet_kka_minus_simplenet/mean").asDouble(), 1e-12);
        assertEquals(-0.08, json.at("/paired/simplenet_kka_minus_kka1/mean").asDouble(), 1e-12);
        assertEquals(0.80, json.at("/per_task/0/detector/alone").asDouble(), 1e-12);

        String plain = print(List.of(task(1, 0.9, null), task(2, 0.9, null)), "deep-sad");
        String[] p = plain.strip().split("\n");
        JsonNode pj = JSON.readTree(p[p.length - 1]);
        assertEquals("deep-sad", pj.get("detector").asText());
        assertFalse(pj.get("columns").has("deep_sad"), pj.get("columns").toString());
        assertFalse(p[0].contains("_kka"), p[0]);
    }

    @Test
    void detectorOptionIsDocumentedAndChecked() {
        Cli.Run h = Cli.kka("bench", "kka", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--detector"), h.out());
        Cli.Run r = Cli.kka("bench", "kka", "--dataset", "fashion-mnist", "--detector", "patchcore");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--detector must be one of [deep-sad, simplenet, mahalanobis], found"
                + " 'patchcore'"), r.err());
    }
}
