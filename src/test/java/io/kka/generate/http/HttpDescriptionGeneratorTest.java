package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.JobConfig;
import io.kka.generate.PromptBuilder;
import io.kka.generate.PromptTemplate;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link HttpDescriptionGenerator} (Eq. 3 through the chat endpoint) on the shared Spark session. */
class HttpDescriptionGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PromptTemplate TEMPLATE = PromptTemplate.of("test", "Write {count} {domain}:\n{examples}");
    private static final List<String> EXAMPLES = List.of("a plain white t-shirt", "a grey crew-neck top");
    private static final List<String> NORMALS = List.of("T-shirt/top");

    private static Dataset<Row> prompts(JobConfig cfg) {
        return PromptBuilder.of(cfg.llm(), TEMPLATE).prompts(SparkTestSession.get(), 1, EXAMPLES, 99L);
    }

    private static HttpDescriptionGenerator generator(JobConfig cfg, Path cache) {
        return HttpDescriptionGenerator.of(SparkTestSession.get(), cfg.llm(), NORMALS,
                cache == null ? null : cache.toString());
    }

    @Test
    void sendsTheChatRequestAndWritesProvenance(@TempDir Path dir) throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.latency(5))
                .withApiKey(HttpTestKit.SECRET))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.n=2", "llm.stop=[END]",
                    "llm.system_prompt=You write short descriptions.", "llm.prompts_per_iteration=3",
                    "llm.api_key=" + HttpTestKit.secretRef(dir), "llm.price_per_1k_input=1.0",
                    "llm.price_per_1k_output=2.0");
            List<Row> in = prompts(cfg).collectAsList();
            HttpDescriptionGenerator gen = generator(cfg, null);
            List<Row> out = gen.describe(prompts(cfg)).collectAsList();

            assertEquals(3, s.hits());
            FakeEndpointServer.Recorded r = s.recorded().get(0);
            assertEquals("/v1/chat/completions", r.path());
            assertEquals("Bearer " + HttpTestKit.SECRET, r.authorization());
            JsonNode body = JSON.readTree(r.body());
            assertEquals("fake-llm", body.get("model").asText());
            assertEquals("system", body.at("/messages/0/role").asText());
            assertEquals("You write short descriptions.", body.at("/messages/0/content").asText());
            assertEquals("user", body.at("/messages/1/role").asText());
            assertTrue(body.at("/messages/1/content").asText().startsWith("Write 10 garments and accessories:\n- "));
            assertEquals(2, body.get("n").asInt());
            assertEquals(1.0, body.get("temperature").asDouble());
            assertEquals(0.95, body.get("top_p").asDouble());
            assertEquals(512, body.get("max_tokens").asInt());
            assertEquals("END", body.at("/stop/0").asText());
            Set<Long> seeds = new HashSet<>();
            in.forEach(p -> seeds.add(p.getAs("seed")));
            assertTrue(seeds.contains(body.get("seed").asLong()), "the prompt's seed is sent");

            // 3 generated descriptions per choice, 2 choices: up to 6 per prompt after de-duplication
            Map<String, Integer> perPrompt = new HashMap<>();
            Set<String> ids = new HashSet<>();
            long promptTokens = 0;
            double cost = 0;
            for (Row row : out) {
                assertNull(row.getAs("error"));
                assertEquals("fake-llm", row.getAs("llm_model"));
                assertEquals(1, (int) row.getAs("iteration"));
                assertTrue(seeds.contains(row.<Long>getAs("seed")));
                assertTrue(ids.add(row.getAs("description_id")), "description ids are unique");
                perPrompt.merge(row.getAs("prompt_id"), 1, Integer::sum);
                Usage u = Usage.fromRow(row.getAs("usage"));
                promptTokens += u.promptTokens();
                cost += u.cost();
            }
            assertEquals(3, perPrompt.size());
            perPrompt.values().forEach(n -> assertTrue(n >= 3 && n <= 6, "descriptions of a prompt: " + n));
            // usage is on one row per prompt, so the column sums to what the endpoint reported
            long reported = 0;
            for (FakeEndpointServer.Recorded rec : s.recorded()) {
                reported += JSON.readTree(rec.body()).get("messages").toString().length() / 4;
            }
            assertEquals(reported, promptTokens);
            assertTrue(cost > 0);
            assertEquals(3, gen.meter().snapshot().requests());
        }
    }

    @Test
    void dropsAndCountsDescriptionsNamingANormalClass() throws Exception {
        List<String> lines = List.of("a T-shirt with a torn collar", "a boot with a broken heel",
                "A boot with  a broken heel", "a crop top in neon");
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withChatLines(lines));
                HttpTestKit.LogCapture logs = new HttpTestKit.LogCapture()) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=4");
            HttpDescriptionGenerator gen = generator(cfg, null);
            List<Row> out;
            try (ProgressReporter p = ProgressReporter.start(SparkTestSession.get().sparkContext(), gen.meter(), 4,
                    60_000)) {
                out = gen.describe(prompts(cfg)).collectAsList();
                // finished tasks are merged; a late heartbeat of one may still be counted until its end event
                assertTrue(p.current().inputs() >= 4);
            }
            assertEquals(4, out.size());
            out.forEach(r -> assertEquals("a boot with a broken heel", r.getAs("description")));
            assertEquals(8, gen.meter().snapshot().dropped());
            assertTrue(logs.text().contains("describe: 4/4 done (100%), 0 errors"), logs.text());
            assertTrue(logs.text().contains("8 descriptions dropped for naming a normal class"), logs.text());

            JobConfig keep = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=4",
                    "llm.drop_normal_mentions=false");
            assertEquals(12, generator(keep, null).describe(prompts(keep)).count());
        }
    }

    @Test
    void aReplyWithNothingUsableIsOneErrorRow() throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withChatLines(List.of("a faded T-shirt", "two tops")))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=2");
            List<Row> out = generator(cfg, null).describe(prompts(cfg)).collectAsList();
            assertEquals(2, out.size());
            for (Row r : out) {
                assertNull(r.getAs("description"));
                assertEquals(new CallError("describe", 200, "all 2 descriptions named a normal class"
                        + " (llm.drop_normal_mentions)", 1), CallError.fromRow(r.getAs("error")));
                assertEquals(1, Usage.fromRow(r.getAs("usage")).requests());
            }
        }
        // choices: [] is a transient content fault: retried, and an error row only when the retries run out
        FaultMix empty = FaultMix.none().withScript(FaultMix.Fault.EMPTY, FaultMix.Fault.EMPTY);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(empty))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=1",
                    "llm.http.max_retries=1");
            Row r = generator(cfg, null).describe(prompts(cfg)).first();
            assertEquals(new CallError("describe", 200, "gave up after 2 attempts; last: malformed reply (reply had"
                    + " no choices)", 2), CallError.fromRow(r.getAs("error")));
        }
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(
                FaultMix.none().withScript(FaultMix.Fault.EMPTY)))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=1");
            Row r = generator(cfg, null).describe(prompts(cfg)).first();
            assertNull(r.getAs("error"));
            assertEquals(2, Usage.fromRow(r.getAs("usage")).requests());
        }
    }

    @Test
    void aRerunWithTheSameSeedMakesNoCall(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=6");
            Path cache = dir.resolve("cache");
            List<Row> first = generator(cfg, cache).describe(prompts(cfg)).collectAsList();
            assertEquals(6, s.hits());
            // a fresh stage, other partitioning: every reply comes from the cache
            HttpDescriptionGenerator again = generator(cfg, cache);
            List<Row> second = again.describe(prompts(cfg).repartition(3)).collectAsList();
            assertEquals(6, s.hits(), "no repeated endpoint call");
            assertEquals(descriptions(first), descriptions(second));
            assertEquals(6, again.meter().snapshot().cached());
            assertEquals(0, again.meter().snapshot().requests());
            second.forEach(r -> assertTrue(Usage.fromRow(r.getAs("usage")).cached()));
            // another seed is another request
            generator(cfg, cache).describe(PromptBuilder.of(cfg.llm(), TEMPLATE).prompts(spark, 1, EXAMPLES, 100L))
                    .count();
            assertEquals(12, s.hits());
        }
    }

    private static Map<String, String> descriptions(List<Row> rows) {
        Map<String, String> m = new HashMap<>();
        rows.forEach(r -> m.put(r.getAs("description_id"), r.getAs("description")));
        return m;
    }

    @Test
    void theDeadlineIsCountedByEachPartitionFromItsStart() throws Exception {
        // the stage is planned, then runs 4 s later (a busy scheduler, or an executor whose clock runs ahead of
        // the driver's): a deadline fixed as a driver instant would have failed every row before the first call;
        // 3 s leave a loaded machine ample time for four loopback calls
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.latency(5)))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=4",
                    "llm.http.deadline_s=3");
            Dataset<Row> planned = generator(cfg, null).describe(prompts(cfg));
            Thread.sleep(4000);
            List<Row> out = planned.collectAsList();
            assertEquals(4, s.hits());
            assertTrue(out.stream().allMatch(r -> r.getAs("error") == null),
                    "every row is answered: " + out.stream().map(r -> r.getAs("error")).toList());
        }
    }

    @Test
    void faultsTimeoutsAndTheDeadlineNeverLoseAPrompt() throws Exception {
        // hangs last 30 s and the request timeout is 5 s: without the 2 s deadline a hung row takes >= 15 s
        FaultMix mix = new FaultMix(0, 0.2, 0.2, 0.2, 0.15, 30_000, 0.1, 0.05, 0, 7, List.of());
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(mix))) {
            JobConfig cfg = HttpTestKit.config("llm.base_url=" + s.openAiBaseUrl(), "llm.prompts_per_iteration=40",
                    "llm.http.timeout_s=5", "llm.http.max_retries=2", "llm.http.deadline_s=2",
                    "llm.http.concurrency=8");
            long t0 = System.nanoTime();
            List<Row> out = generator(cfg, null).describe(prompts(cfg)).collectAsList();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 12, "the deadline bounds the stage: " + seconds + " s");
            Map<String, Integer> ok = new HashMap<>();
            Map<String, Integer> failed = new HashMap<>();
            for (Row r : out) {
                (r.getAs("error") == null ? ok : failed).merge(r.getAs("prompt_id"), 1, Integer::sum);
            }
            Set<String> all = new HashSet<>(ok.keySet());
            all.addAll(failed.keySet());
            assertEquals(40, all.size(), "every prompt comes out");
            failed.forEach((id, n) -> {
                assertEquals(1, n, "one error row per failed prompt");
                assertFalse(ok.containsKey(id), "a prompt is either ok or failed");
            });
            assertFalse(ok.isEmpty());
            assertFalse(failed.isEmpty());
            assertTrue(out.stream().anyMatch(r -> r.getAs("error") != null && ((Row) r.getAs("error")).getString(2)
                    .startsWith("stage deadline passed")), "hung rows end at the deadline");
        }
    }
}
