package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.JobConfig;
import io.kka.data.ImageCodec;
import io.kka.data.SampleSchema;
import io.kka.generate.GenerationSchemas;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link HttpImageRenderer} (Eq. 4 through OpenAI images and AUTOMATIC1111) on the shared session. */
class HttpImageRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Three descriptions of two prompts, plus the error row of a failed prompt. */
    private static Dataset<Row> descriptions() {
        Row usage = new Usage(1, 0, 100, 40, 0, false, 0.5).toRow();
        Row none = Usage.NONE.toRow();
        List<Row> rows = List.of(
                RowFactory.create("d1", "p1", 2, "a beret with a burn mark", "llm-x", 11L, usage, null),
                RowFactory.create("d2", "p1", 2, "a scarf with frayed edges", "llm-x", 11L, none, null),
                RowFactory.create("d3", "p2", 2, "a glove with ink stains", "llm-x", 12L, usage, null),
                RowFactory.create("e4", "p3", 2, null, "llm-x", 13L, none,
                        new CallError("describe", 503, "gave up after 3 attempts", 3).toRow()));
        return SparkTestSession.get().createDataFrame(rows, GenerationSchemas.DESCRIPTIONS);
    }

    private static Map<String, Row> bySource(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        rows.forEach(r -> m.put(r.getAs("source"), r));
        return m;
    }

    @Test
    void openAiImagesAreDecodedConvertedAndStoredAsGeneratedRows() throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.size=256x256", "images.images_per_description=2", "images.price_per_image=0.04");
            HttpImageRenderer r = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), null);
            List<Row> out = r.render(descriptions()).collectAsList();

            assertEquals(3, s.hits(), "one request per description; the failed prompt is not sent");
            JsonNode body = JSON.readTree(s.recorded().get(0).body());
            assertEquals("/v1/images/generations", s.recorded().get(0).path());
            assertEquals("fake-sd", body.get("model").asText());
            assertEquals(2, body.get("n").asInt());
            assertEquals("256x256", body.get("size").asText());
            assertEquals("b64_json", body.get("response_format").asText());
            assertTrue(body.get("prompt").asText().startsWith("a "));

            assertEquals(7, out.size());
            Map<String, Row> m = bySource(out);
            Row first = m.get("openai:fake-sd#d1");
            Row second = m.get("openai:fake-sd#d1/1");
            for (Row g : List.of(first, second)) {
                assertEquals("generated", g.getAs("role"));
                assertEquals("train", g.getAs("split"));
                assertEquals(1, (int) g.getAs("label"));
                assertEquals("a beret with a burn mark", g.getAs("caption"));
                assertEquals("p1", g.getAs("prompt_id"));
                assertEquals(2, (int) g.getAs("iteration"));
                assertEquals("llm-x", g.getAs("llm_model"));
                assertEquals("openai:fake-sd", g.getAs("image_model"));
                assertEquals(28, (int) g.getAs("width"));
                assertEquals(1, (int) g.getAs("channels"));
                assertNull(g.getAs("error"));
                BufferedImage img = ImageCodec.decode(g.getAs("image"), "test");
                assertEquals(28, img.getWidth());
                assertEquals(1, ImageCodec.channels(img));
                assertEquals(ImageCodec.sampleId(g.getAs("source"), ImageCodec.pixels(img)), g.getAs("sample_id"));
            }
            // the description's usage and the image request's go to the first image only
            assertEquals(new Usage(2, 0, 100, 40, 2, false, 0.5 + 0.08), Usage.fromRow(first.getAs("usage")));
            assertEquals(Usage.NONE, Usage.fromRow(second.getAs("usage")));
            Row failed = m.get("openai:fake-sd#e4");
            assertNull(failed.getAs("image"));
            assertEquals(new CallError("describe", 503, "gave up after 3 attempts", 3),
                    CallError.fromRow(failed.getAs("error")));
            SampleSchema.conform(r.render(descriptions()));
        }
    }

    @Test
    void automatic1111GetsItsParametersAndTheSeed() throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            JobConfig cfg = HttpTestKit.config("images.provider=automatic1111",
                    "images.base_url=" + s.automatic1111BaseUrl(), "images.size=64x48", "images.steps=20",
                    "images.cfg_scale=6.5", "images.negative_prompt=blurry", "images.sampler=Euler a",
                    "data.channels=3", "data.image_size=32");
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), null)
                    .render(descriptions()).collectAsList();
            assertEquals(4, out.size());
            Map<String, JsonNode> sent = new HashMap<>();
            for (FakeEndpointServer.Recorded rec : s.recorded()) {
                assertEquals("/sdapi/v1/txt2img", rec.path());
                JsonNode b = JSON.readTree(rec.body());
                sent.put(b.get("prompt").asText(), b);
            }
            Row g = bySource(out).get("automatic1111:fake-sd#d2");
            JsonNode b = sent.get("a scarf with frayed edges");
            assertEquals("blurry", b.get("negative_prompt").asText());
            assertEquals(20, b.get("steps").asInt());
            assertEquals(6.5, b.get("cfg_scale").asDouble());
            assertEquals(64, b.get("width").asInt());
            assertEquals(48, b.get("height").asInt());
            assertEquals("Euler a", b.get("sampler_name").asText());
            assertEquals(1, b.get("batch_size").asInt());
            assertEquals((long) g.getAs("seed"), b.get("seed").asLong());
            assertEquals(3, (int) g.getAs("channels"));
            assertEquals(32, ImageCodec.decode(g.getAs("image"), "t").getHeight());
        }
    }

    @Test
    void contentFaultsAreRetriedAndFailedCallsAreErrorRowsNamingTheDescription(@TempDir Path dir) throws Exception {
        // a truncated image, then an empty list, then a good reply: retried, and only the good reply is cached
        FaultMix flaky = FaultMix.none().withScript(FaultMix.Fault.TRUNCATED, FaultMix.Fault.EMPTY);
        String cache = dir.resolve("cache").toString();
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(flaky))) {
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.http.max_retries=3");
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), cache)
                    .render(descriptions()).collectAsList();
            Row r = bySource(out).get("openai:fake-sd#d3");
            assertNull(r.getAs("error"), String.valueOf((Object) r.getAs("error")));
            assertEquals(3, Usage.fromRow(r.getAs("usage")).requests() - 1, "two content faults retried");
            assertEquals(9, s.hits());
            List<Row> again = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), cache)
                    .render(descriptions()).collectAsList();
            assertEquals(9, s.hits(), "the rerun is served from the cache: the good replies were cached");
            assertNull(bySource(again).get("openai:fake-sd#d3").getAs("error"));
        }
        FaultMix truncated = FaultMix.none().withScript(FaultMix.Fault.TRUNCATED, FaultMix.Fault.TRUNCATED);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(truncated))) {
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.http.max_retries=1");
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), null)
                    .render(descriptions()).collectAsList();
            Row r = bySource(out).get("openai:fake-sd#d3");
            CallError e = CallError.fromRow(r.getAs("error"));
            assertEquals("render", e.stage());
            assertEquals(200, e.status());
            assertEquals(2, e.attempts());
            assertTrue(e.message().startsWith("description d3 (\"a glove with ink stains\"): gave up after 2"
                    + " attempts; last: malformed reply (image 0 is truncated or invalid base64"), e.message());
        }
        FaultMix rejected = FaultMix.none().withScript(FaultMix.Fault.BAD_REQUEST);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(rejected))) {
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.images_per_description=2");
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), null)
                    .render(descriptions()).collectAsList();
            assertEquals(7, out.size(), "two rows per description, ok or not");
            List<String> messages = new ArrayList<>();
            out.forEach(r -> messages.add(CallError.fromRow(r.getAs("error")).message()));
            assertTrue(messages.contains("description d1 (\"a beret with a burn mark\"): HTTP 400: unsupported"
                    + " value"), messages.toString());
            assertNotNull(bySource(out).get("openai:fake-sd#d1/1").getAs("error"));
            assertEquals(3, s.hits());
        }
    }

    @Test
    void aDecompressionBombReplyIsRefusedOnceAndNeverCached(@TempDir Path dir) throws Exception {
        FaultMix bombs = FaultMix.none().withScript(FaultMix.Fault.BOMB);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(bombs))) {
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.http.max_retries=3");
            String cache = dir.resolve("cache").toString();
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), cache)
                    .render(descriptions()).collectAsList();
            assertEquals(3, s.hits(), "a refused reply is not retried: the same request would get the same bomb");
            for (String id : List.of("d1", "d2", "d3")) {
                CallError e = CallError.fromRow(bySource(out).get("openai:fake-sd#" + id).getAs("error"));
                assertEquals(200, e.status());
                assertEquals(1, e.attempts());
                assertTrue(e.message().contains("refused reply (an image declares 32000x32000 pixels, over the cap"
                        + " of 25000000 (data.max_image_pixels); not decoded, not cached)"), e.message());
            }
            // the second hit of every key is a normal reply: a rerun asks again instead of replaying the bomb
            List<Row> again = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(), cache)
                    .render(descriptions()).collectAsList();
            assertEquals(6, s.hits(), "nothing was cached");
            assertNull(bySource(again).get("openai:fake-sd#d1").getAs("error"));
        }
    }

    @Test
    void aReplyOverTheResponseCapIsAnErrorRowNotRetriedNotCached(@TempDir Path dir) throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            // a 64-pixel RGB image in base64 is several KB: over a 2 KB cap
            JobConfig cfg = HttpTestKit.config("images.provider=openai", "images.base_url=" + s.openAiBaseUrl(),
                    "images.http.max_retries=3", "images.http.max_response_bytes=2048");
            List<Row> out = HttpImageRenderer.of(SparkTestSession.get(), cfg.images(), cfg.data(),
                    dir.resolve("cache").toString()).render(descriptions()).collectAsList();
            assertEquals(3, s.hits(), "one attempt per description");
            CallError e = CallError.fromRow(bySource(out).get("openai:fake-sd#d1").getAs("error"));
            assertEquals(200, e.status());
            assertEquals(1, e.attempts());
            assertTrue(e.message().matches(".*HTTP 200: response body of \\d+ bytes \\(Content-Length\\) is over the"
                    + " cap of 2048 \\(http.max_response_bytes\\); not read"), e.message());
            assertTrue(!java.nio.file.Files.exists(dir.resolve("cache")) || java.nio.file.Files.walk(
                    dir.resolve("cache")).noneMatch(java.nio.file.Files::isRegularFile), "nothing cached");
        }
    }
}
