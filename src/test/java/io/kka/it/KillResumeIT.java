package io.kka.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.testing.Fixtures;
import io.kka.testing.RunComparison;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and resume of a real `kka run` driver JVM against loopback chat and image endpoints (issue: the resumed
 * run ends with the same metrics as an uninterrupted run with the same seed, and no cached endpoint call is
 * repeated). The same runs check that the API key never reaches a log line or a file of the run directory, and
 * that every file the run writes matches its JSON Schema in data-schemas/.
 */
class KillResumeIT {
    private static final String SECRET = "sk-kka-it-7f3c9a1e5d2b";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = SchemaValidation.projectDir();

    private static Path config(Path dir, Path data, FakeEndpointServer fake, Path run) throws IOException {
        String yaml = String.join("\n",
                "run: {name: kill-resume-it, dir: '" + run + "', seed: 7, iterations: 2, mode: replace,"
                        + " lease_ttl_s: 3}",
                "data: {dataset: fashion-mnist, path: '" + data + "'}",
                "task: {normal_classes: [Trouser], val_fraction: 0.3}",
                "evaluator: {epochs: 2, batch_size_per_worker: 32, workers: 2}",
                "representatives: {k: 3}",
                "llm:",
                "  provider: openai",
                "  base_url: " + fake.openAiBaseUrl(),
                "  model: fake-llm",
                "  api_key: env:KKA_IT_API_KEY",
                "  prompts_per_iteration: 6",
                "  descriptions_per_prompt: 4",
                "  http: {concurrency: 4, max_retries: 2, timeout_s: 20}",
                "images:",
                "  provider: automatic1111",
                "  base_url: " + fake.automatic1111BaseUrl(),
                "  model: fake-sd",
                "  api_key: env:KKA_IT_API_KEY",
                "  size: 256x256",
                "  steps: 20",
                "  http: {concurrency: 4, max_retries: 2, timeout_s: 20}",
                "tuning:",
                "  provider: command",
                "  command: \"printf 'fake-llm-tuned-{iteration}\\\\n' > {output}\"",
                "");
        Path cfg = dir.resolve(run.getFileName() + ".yaml");
        Files.writeString(cfg, yaml);
        return cfg;
    }

    /** Runs submit/kka; if {@code killMarker} is set, kills the driver JVM as soon as a log line contains it. */
    private static String kka(Path log, String killMarker, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/kka").toString(), "--master", "local[2]"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("KKA_IT_API_KEY", SECRET, "KKA_DRIVER_MEMORY", "3g"));
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                if (killMarker != null && line.contains(killMarker)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();  // SIGKILL: no shutdown hook, no cleanup — a crash
                    killed = true;
                    break;
                }
            }
        }
        assertTrue(p.waitFor(20, TimeUnit.MINUTES));
        Files.writeString(log, out);
        if (killMarker != null) {
            assertTrue(killed, "never saw '" + killMarker + "':\n" + out);
        } else {
            assertEquals(0, p.exitValue(), out.toString());
        }
        return out.toString();
    }

    @Test
    void killedRunResumesToTheSameMetricsWithoutRepeatedCalls(@TempDir Path dir) throws Exception {
        Path data = Fixtures.fashionMnist(dir.resolve("fm"), 24, 11);
        Path logs = Files.createDirectories(ROOT.resolve("target/kill-resume-it"));
        try (FakeEndpointServer a = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withApiKey(SECRET));
             FakeEndpointServer b = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                     .withApiKey(SECRET))) {
            Path runA = dir.resolve("straight");
            Path runB = dir.resolve("crashed");
            List<String> output = new ArrayList<>();
            output.add(kka(logs.resolve("straight.log"), null, "run", config(dir, data, a, runA).toString()));

            output.add(kka(logs.resolve("crashed.log"), "iteration 2 · training the confusion evaluator", "run",
                    config(dir, data, b, runB).toString()));
            assertTrue(Files.isDirectory(runB.resolve("iterations/001")));
            assertFalse(Files.exists(runB.resolve("iterations/002")), "iteration 2 must not be committed");
            long hitsBeforeResume = b.hits();
            Map<String, Integer> chargedBeforeResume = b.chargedKeyHits();
            output.add(kka(logs.resolve("resumed.log"), null, "run", config(dir, data, b, runB).toString(),
                    "--resume"));

            // the same requests, each sent once: the resumed iteration 2 was answered from the cache
            assertEquals(a.keys(), b.keys(), "the two runs made different requests");
            assertEquals(0, b.hitsSince(chargedBeforeResume), "a call answered before the crash was sent again"
                    + " after the resume: " + repeats(b));
            // AUTOMATIC1111 bodies carry the seed, so a body seen twice is a request paid twice (OpenAI's images
            // API has no seed: equal prompts of different rows are two intended calls there)
            assertEquals(0, b.keysChargedTwice(), "a paid reply was requested twice: " + repeats(b));
            assertTrue(hitsBeforeResume > 0);
            // the killed driver's lease stood still for a TTL, so the resumed driver took it over
            assertTrue(Files.readString(logs.resolve("resumed.log")).contains("taking over the lease of a driver"
                    + " that stopped heartbeating"), "the resumed driver took over the dead driver's lease");
            assertFalse(Files.exists(runB.resolve("_lease.json")), "the lease is released at the end");

            // the same decisions in every iteration, and every number equal to a stated relative tolerance: the
            // evaluator's float32 reductions may change order with thread timing on a loaded machine
            JsonNode ma = JSON.readTree(runA.resolve("metrics.json").toFile());
            JsonNode mb = JSON.readTree(runB.resolve("metrics.json").toFile());
            var spark = SparkTestSession.get();
            for (int t = 0; t <= 2; t++) {
                String it = String.format("iterations/%03d", t);
                RunComparison.assertSameDecisions(spark, runA.resolve(it), runB.resolve(it));
                for (String k : List.of("lm", "representatives", "generation", "baseline", "new_generation",
                        "anomaly_set", "probe", "dpo_effect", "threshold", "pairs", "evaluation")) {
                    RunComparison.assertClose(ma.get("iterations").get(t).get(k), mb.get("iterations").get(t).get(k),
                            "iteration " + t + " " + k);
                }
            }
            RunComparison.assertClose(ma.get("final"), mb.get("final"), "final");
            assertEquals("fake-llm-tuned-1", mb.get("iterations").get(2).path("lm").path("ref").asText());

            // the key was used (the fake server demands it) but never written anywhere
            assertTrue(b.recorded().stream().allMatch(x -> ("Bearer " + SECRET).equals(x.authorization())));
            for (String o : output) {
                assertFalse(o.contains(SECRET), "the API key appears in the driver's log");
            }
            try (Stream<Path> files = Files.walk(runB)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(SECRET), "the API key appears in " + f);
                }
            }
            validateOutputs(runB);
        }
    }

    private static String repeats(FakeEndpointServer s) {
        StringBuilder sb = new StringBuilder();
        long t0 = s.recorded().stream().mapToLong(FakeEndpointServer.Recorded::atMs).min().orElse(0);
        for (FakeEndpointServer.Recorded r : s.recorded()) {
            if (r.hit() > 0) {
                sb.append("\n  ").append(r.path()).append(" key ").append(r.key(), 0, 12).append(" hit ").append(r.hit())
                        .append(" at +").append(r.atMs() - t0).append(" ms");
                s.recorded().stream().filter(x -> x.key().equals(r.key()) && x.hit() == 0).findFirst().ifPresent(
                        x -> sb.append(" (first at +").append(x.atMs() - t0).append(" ms)"));
            }
        }
        return sb.toString();
    }

    /** Every file a run writes matches its schema in data-schemas/. */
    private static void validateOutputs(Path run) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        assertEquals(List.of(), SchemaValidation.errors("config.schema.json", yaml.readTree(run.resolve("config.yaml")
                .toFile())));
        assertEquals(List.of(), SchemaValidation.errors("state.schema.json", JSON.readTree(run.resolve("state.json")
                .toFile())));
        assertEquals(List.of(), SchemaValidation.errors("metrics.schema.json",
                JSON.readTree(run.resolve("metrics.json").toFile())));
        var spark = SparkTestSession.get();
        for (int t = 0; t <= 2; t++) {
            Path it = run.resolve(String.format("iterations/%03d", t));
            assertEquals(List.of(), SchemaValidation.errors("iteration-metrics.schema.json",
                    JSON.readTree(it.resolve("metrics.json").toFile())));
            List<String> tables = new ArrayList<>(List.of("generated", "anomaly_set", "generated_raw", "probe"));
            if (t > 0) {
                tables.add("dpo_effect/generated"); // the same prompts from the model before this iteration's DPO
            }
            for (String table : tables) {
                Dataset<Row> df = spark.read().parquet(it.resolve(table).toString());
                assertEquals(List.of(), SchemaValidation.rowErrors("samples.schema.json", df, 40), table);
            }
            assertEquals(List.of(), SchemaValidation.rowErrors("scores.schema.json",
                    spark.read().parquet(it.resolve("scores").toString()), 40));
            if (t == 0) {
                assertEquals(List.of(), SchemaValidation.rowErrors("scores.schema.json",
                        spark.read().parquet(it.resolve("baseline_scores").toString()), 40));
            }
            for (String line : Files.readAllLines(it.resolve("pairs.trl.jsonl"))) {
                assertEquals(List.of(), SchemaValidation.errors("pairs.trl.schema.json", JSON.readTree(line)));
            }
            for (String line : Files.readAllLines(it.resolve("pairs.openai.jsonl"))) {
                assertEquals(List.of(), SchemaValidation.errors("pairs.openai.schema.json", JSON.readTree(line)));
            }
        }
        assertEquals(List.of(), SchemaValidation.rowErrors("samples.schema.json",
                spark.read().parquet(run.resolve("samples").toString()), 40));
        assertEquals(List.of(), SchemaValidation.rowErrors("latent.schema.json",
                spark.read().parquet(run.resolve("final/latent").toString()), 40));
        assertEquals(List.of(), SchemaValidation.rowErrors("scores.schema.json",
                spark.read().parquet(run.resolve("final/scores").toString()), 40));
    }
}
