package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.HttpConfig;
import io.kka.config.LlmConfig;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Tests for {@link TokenBucket} and the rate limits of the caller. */
class TokenBucketTest {

    @Test
    void admitsTheBurstThenTheRateAndQueuesInOrder() {
        TokenBucket b = TokenBucket.perMinute(600);
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertEquals(0, b.reserve(1, t), "burst of one second's worth");
        }
        // in debt now: the next callers wait 0.1 s, 0.2 s, ... in arrival order
        long w1 = b.reserve(1, t);
        long w2 = b.reserve(1, t);
        assertTrue(w1 == 0, "the bucket reached 0, not below it: " + w1);
        assertEquals(100_000_000L, w2, 1_000_000L);
        assertEquals(200_000_000L, b.reserve(1, t), 1_000_000L);
        assertEquals(0, b.reserve(1, t + 1_000_000_000L), 1_000_000L);
    }

    @Test
    void largeCostsGoIntoDebtInsteadOfBlockingForever() {
        TokenBucket b = TokenBucket.perMinute(60);
        long t = System.nanoTime();
        assertEquals(0, b.reserve(500, t));
        assertEquals(499_000_000_000L, b.reserve(1, t), 1_000_000L);
        b.refund(400);
        assertTrue(b.reserve(1, t) < 100_000_000_000L);
    }

    @Test
    void requestsPerMinuteBoundTheCallRate() throws Exception {
        LlmConfig llm = HttpTestKit.config().llm();
        HttpConfig http = new HttpConfig(8, 600, 0, 5, 5, 0, 20, 200, 300, 0, false);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai", http);
            ChatProtocol chat = new ChatProtocol(llm);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            long t0 = System.currentTimeMillis();
            List<Future<CallResult>> results = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                CallRequest req = CallRequest.of(e, "p" + i, chat.body(null, "prompt " + i, i), i, 10);
                results.add(pool.submit(() -> caller.call(req)));
            }
            for (Future<CallResult> f : results) {
                assertTrue(f.get().ok());
            }
            pool.shutdown();
            // 10 requests of burst, then 10 per second: the 25th cannot start before 1.5 s
            long last = s.recorded().stream().mapToLong(FakeEndpointServer.Recorded::atMs).max().orElseThrow();
            assertTrue(last - t0 >= 1400, "25 requests at 600/min took only " + (last - t0) + " ms");
            long early = s.recorded().stream().filter(r -> r.atMs() - t0 < 500).count();
            assertTrue(early <= 16, early + " requests in the first 0.5 s (burst 10 + 5)");
        }
    }

    @Test
    void tokensPerMinuteReserveMaxTokensAndGetTheUnusedBack() throws Exception {
        // each request reserves ~1010 tokens (prompt + max_tokens) of a 500/s bucket, and uses ~40
        LlmConfig llm = HttpTestKit.config("llm.max_tokens=1000").llm();
        HttpConfig http = new HttpConfig(1, 0, 30_000, 5, 5, 0, 20, 200, 300, 0, false);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai", http);
            ChatProtocol chat = new ChatProtocol(llm);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < 6; i++) {
                assertTrue(caller.call(CallRequest.of(e, "p" + i, chat.body(null, "prompt " + i, i), i,
                        chat.estimatedTokens("prompt " + i))).ok());
            }
            // without the refunds the 6 reservations (~6000 tokens at 500/s, burst 500) would take > 10 s
            long ms = System.currentTimeMillis() - t0;
            assertTrue(ms < 5000, "6 sequential requests took " + ms + " ms");
        }
        // while the first request is in flight (500 ms), the second waits for its debt (~510 tokens at 500/s)
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.latency(500)))) {
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai",
                    new HttpConfig(2, 0, 30_000, 5, 5, 0, 20, 200, 300, 0, false));
            ChatProtocol chat = new ChatProtocol(llm);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<CallResult>> two = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                CallRequest req = CallRequest.of(e, "q" + i, chat.body(null, "other " + i, i), i, 1010);
                two.add(pool.submit(() -> caller.call(req)));
                Thread.sleep(200);
            }
            for (Future<CallResult> f : two) {
                assertTrue(f.get().ok());
            }
            pool.shutdown();
            List<FakeEndpointServer.Recorded> rec = s.recorded();
            long gap = rec.get(1).atMs() - rec.get(0).atMs();
            assertTrue(gap >= 700, "second request waited only " + gap + " ms");
        }
    }
}
