package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.bench.fake.FaultMix.Fault;
import io.kka.config.HttpConfig;
import io.kka.config.JobConfig;
import io.kka.config.LlmConfig;
import io.kka.data.ImageCodec;
import io.kka.generate.GenerationSchemas;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of the nastier mix ({@link FaultMix#nasty}) one at a time, as scripts: each is retried within the
 * row's budget, only the good reply is accepted and cached, and a reply cut mid-body is not charged.
 */
class NastyFaultsTest {
    private static final LlmConfig LLM = HttpTestKit.config().llm();

    private static CallResult chat(FakeEndpointServer server, HttpConfig http, String prompt) {
        Endpoint e = new Endpoint(EndpointKind.CHAT, server.openAiBaseUrl(), "fake-llm", null, "openai", http);
        ChatProtocol chat = new ChatProtocol(LLM);
        EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.startingNow(http.deadlineS()), null);
        return caller.call(CallRequest.of(e, "p1", chat.body(null, prompt, 7L), 7L, 10));
    }

    @Test
    void anHtml502AReplyCutMidBodyAndAnHttpDateRetryAfterAreEachRetried() throws Exception {
        // Retry-After 2 s as an HTTP-date: whole seconds, so the wait is at least 1 s whatever the sub-second now
        FaultMix f = new FaultMix(0, 0, 2, 0, 0, 0, 0, 0, 0, 1, List.of()).withScript(Fault.HTML_502,
                Fault.RESET_MID_BODY, Fault.RATE_LIMITED_DATE);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = chat(s, new HttpConfig(4, 0, 0, 5, 5, 3, 20, 200, 300, 0, false), "describe hats");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(4, r.attempts());
            assertTrue(!ChatProtocol.contents(r.reply()).isEmpty());
            assertEquals(1, s.charges(), "only the delivered reply is charged");
            assertEquals(1, s.cutReplies(), "the reply closed half-way");
            List<FakeEndpointServer.Recorded> hits = s.recorded();
            long gap = hits.get(3).atMs() - hits.get(2).atMs();
            assertTrue(gap >= 900, "retried " + gap + " ms after an HTTP-date Retry-After 2 s ahead");
            assertEquals(Map.of(Fault.HTML_502, 1L, Fault.RESET_MID_BODY, 1L, Fault.RATE_LIMITED_DATE, 1L, Fault.OK,
                    1L), s.faultsServed());
        }
    }

    @Test
    void anHttpDateInThePastStillBacksOff() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.RATE_LIMITED_PAST_DATE, Fault.RATE_LIMITED_PAST_DATE);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = chat(s, new HttpConfig(4, 0, 0, 5, 5, 3, 400, 2000, 300, 0, false), "describe socks");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(3, r.attempts());
            List<FakeEndpointServer.Recorded> hits = s.recorded();
            for (int i = 1; i < hits.size(); i++) {
                long gap = hits.get(i).atMs() - hits.get(i - 1).atMs();
                // the first backoff is 400 ms with jitter of at most half of it
                assertTrue(gap >= 200, "retry " + i + " came " + gap + " ms after a Retry-After in the past");
            }
        }
    }

    @Test
    void undecodableAndCutImageRepliesAreRetriedAndOnlyTheGoodOneIsCached(@TempDir Path dir) throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.UNDECODABLE, Fault.RESET_MID_BODY, Fault.HTML_502);
        String cache = dir.resolve("cache").toString();
        List<Row> rows = List.of(RowFactory.create("d1", "p1", 0, "a beret with a burn mark", "llm-x", 11L, null,
                null));
        var spark = SparkTestSession.get();
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            JobConfig cfg = HttpTestKit.config("images.provider=automatic1111",
                    "images.base_url=" + s.automatic1111BaseUrl(), "images.http.max_retries=3");
            List<Row> out = HttpImageRenderer.of(spark, cfg.images(), cfg.data(), cache)
                    .render(spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS)).collectAsList();
            assertEquals(1, out.size());
            Row r = out.get(0);
            assertNull(r.getAs("error"), String.valueOf((Object) r.getAs("error")));
            assertEquals(4, Usage.fromRow(r.getAs("usage")).requests(), "three faults, then the good reply");
            assertTrue(ImageCodec.decode(r.getAs("image"), "t").getWidth() > 0);
            assertEquals(4, s.hits());
            assertEquals(2, s.charges(), "the undecodable reply and the good one were delivered (and billed)");
            List<Row> again = HttpImageRenderer.of(spark, cfg.images(), cfg.data(), cache)
                    .render(spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS)).collectAsList();
            assertEquals(4, s.hits(), "the rerun is served from the cache");
            assertNull(again.get(0).getAs("error"));
        }
        FaultMix never = FaultMix.none().withScript(Fault.UNDECODABLE, Fault.UNDECODABLE);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(never))) {
            JobConfig cfg = HttpTestKit.config("images.provider=automatic1111",
                    "images.base_url=" + s.automatic1111BaseUrl(), "images.http.max_retries=1");
            Row r = HttpImageRenderer.of(spark, cfg.images(), cfg.data(), null)
                    .render(spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS)).collectAsList().get(0);
            CallError e = CallError.fromRow(r.getAs("error"));
            assertEquals(200, e.status());
            assertEquals(2, e.attempts());
            assertTrue(e.message().contains("gave up after 2 attempts"), e.message());
        }
    }

    @Test
    void theNastyMixFailsThirtySixPercentOfAttemptsInThirteenWays() {
        FaultMix m = FaultMix.nasty(0, 1, 10, 1);
        double sum = m.p429() + m.p5xx() + m.pHang() + m.pMalformed() + m.pEmpty() + m.pTruncated()
                + m.more().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(0.36, sum, 1e-9);
        assertEquals(7, m.more().size());
        assertEquals(m.more(), m.withScript(Fault.OK).more(), "a script keeps the further faults");
    }
}
