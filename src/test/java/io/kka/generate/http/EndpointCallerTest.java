package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.HttpConfig;
import io.kka.config.LlmConfig;
import io.kka.config.SecretRef;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.bench.fake.FaultMix.Fault;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link EndpointCaller}: retry semantics, timeouts, the deadline, and secrets, against the fake server. */
class EndpointCallerTest {
    private static final LlmConfig LLM = HttpTestKit.config().llm();

    private static HttpConfig http(double timeoutS, int maxRetries, double deadlineS) {
        return new HttpConfig(4, 0, 0, timeoutS, 5, maxRetries, 20, 200, 300, deadlineS, false);
    }

    private static CallResult call(FakeEndpointServer server, HttpConfig http, SecretRef key, String prompt) {
        Endpoint e = new Endpoint(EndpointKind.CHAT, server.openAiBaseUrl(), "fake-llm", key, "openai", http);
        ChatProtocol chat = new ChatProtocol(LLM);
        EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.startingNow(http.deadlineS()),
                key == null ? null : key.resolve());
        return caller.call(CallRequest.of(e, "p1", chat.body(null, prompt, 7L), 7L, 10));
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        FaultMix f = new FaultMix(0, 0, 1, 0, 0, 0, 0, 0, 0, 1, List.of(Fault.RATE_LIMITED));
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 3, 0), null, "describe hats");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(2, r.attempts());
            assertEquals(1, r.retries());
            List<FakeEndpointServer.Recorded> hits = s.recorded();
            assertEquals(2, hits.size());
            long gap = hits.get(1).atMs() - hits.get(0).atMs();
            assertTrue(gap >= 1000, "retried after " + gap + " ms despite Retry-After: 1");
        }
    }

    @Test
    void serverErrorsMalformedRepliesAndResetsAreRetried() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.SERVER_ERROR, Fault.MALFORMED, Fault.RESET);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 3, 0), null, "describe scarves");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(4, r.attempts());
            assertEquals(4, s.hits());
            assertEquals(1, s.charges());
        }
    }

    @Test
    void contentFaultsInsideA200AreRetriedNotAccepted() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.EMPTY, Fault.ERROR_200, Fault.MALFORMED);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 3, 0), null, "describe hats");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(4, r.attempts(), "choices: [], {error} in a 200 and a cut body were each retried");
            assertFalse(ChatProtocol.contents(r.reply()).isEmpty());
        }
        FaultMix always = FaultMix.none().withScript(Fault.EMPTY, Fault.EMPTY, Fault.EMPTY);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(always))) {
            CallResult r = call(s, http(5, 2, 0), null, "describe hats");
            assertEquals(new CallError("describe", 200, "gave up after 3 attempts; last: malformed reply (reply had"
                    + " no choices)", 3), r.error());
        }
    }

    @Test
    void aContentFilterRefusalIsReportedAndNotRetried() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.CONTENT_FILTER, Fault.CONTENT_FILTER);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 5, 0), null, "describe knives");
            assertEquals(new CallError("describe", 200, "refused reply (the endpoint refused the prompt"
                    + " (finish_reason content_filter); not retried)", 1), r.error());
            assertEquals(1, s.hits());
        }
    }

    @Test
    void aRejectedKeyOrQuotaOpensTheCircuitAtOnce() throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withApiKey("sk-right"))) {
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai",
                    http(5, 3, 0));
            ChatProtocol chat = new ChatProtocol(LLM);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            CallResult first = caller.call(CallRequest.of(e, "p1", chat.body(null, "a", 1L), 1L, 10));
            assertEquals(401, first.error().status());
            assertEquals(1, first.attempts(), "a 401 is not retried");
            CallResult second = caller.call(CallRequest.of(e, "p2", chat.body(null, "b", 2L), 2L, 10));
            assertEquals(0, second.attempts());
            assertTrue(second.error().message().startsWith("not sent: " + e.label() + " at " + s.openAiBaseUrl()
                    + " rejected the API key (HTTP 401: "), second.error().message());
            assertEquals(1, s.hits(), "the second row made no request");
        }
        FaultMix quota = FaultMix.none().withScript(Fault.QUOTA, Fault.QUOTA);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(quota))) {
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai",
                    http(5, 3, 0));
            ChatProtocol chat = new ChatProtocol(LLM);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            CallResult first = caller.call(CallRequest.of(e, "p1", chat.body(null, "a", 1L), 1L, 10));
            assertEquals("quota exhausted (insufficient_quota); not retried; last: HTTP 429: You exceeded your"
                    + " current quota, please check your plan and billing details.", first.error().message());
            CallResult second = caller.call(CallRequest.of(e, "p2", chat.body(null, "b", 2L), 2L, 10));
            assertTrue(second.error().message().contains(" rejected the quota ("), second.error().message());
            assertEquals(1, s.hits());
        }
    }

    @Test
    void consecutiveFailuresOpenTheCircuit() throws Exception {
        FaultMix down = new FaultMix(0, 0, 1, 1.0, 0, 0, 0, 0, 0, 1, List.of());
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(down))) {
            HttpConfig http = new HttpConfig(4, 0, 0, 5, 5, 0, 20, 200, 300, 0, false, false,
                    HttpConfig.DEFAULT_MAX_RESPONSE_BYTES, 0.5, 3);
            Endpoint e = new Endpoint(EndpointKind.CHAT, s.openAiBaseUrl(), "fake-llm", null, "openai", http);
            ChatProtocol chat = new ChatProtocol(LLM);
            EndpointCaller caller = EndpointCaller.open(e, chat, null, Deadline.none(), null);
            for (int i = 0; i < 5; i++) {
                CallResult r = caller.call(CallRequest.of(e, "p" + i, chat.body(null, "x" + i, i), i, 10));
                assertEquals(i < 3 ? 1 : 0, r.attempts(), "row " + i);
                if (i >= 3) {
                    assertTrue(r.error().message().startsWith("not sent: circuit open after 3 consecutive failed"
                            + " rows of " + e.label() + " at "), r.error().message());
                }
            }
            assertEquals(3, s.hits());
        }
    }

    @Test
    void badRequestIsNotRetried() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.BAD_REQUEST, Fault.BAD_REQUEST, Fault.BAD_REQUEST);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 5, 0), null, "describe belts");
            assertFalse(r.ok());
            assertEquals(new CallError("describe", 400, "HTTP 400: unsupported value", 1), r.error());
            assertEquals(1, s.hits());
        }
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsNamed() throws Exception {
        FaultMix f = FaultMix.none().withScript(Fault.SERVER_ERROR, Fault.SERVER_ERROR, Fault.SERVER_ERROR);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 2, 0), null, "describe gloves");
            assertEquals(new CallError("describe", 503, "gave up after 3 attempts; last: HTTP 503: The server is"
                    + " overloaded", 3), r.error());
            assertEquals(3, s.hits());
        }
    }

    @Test
    void timeoutIsRetriedAndTheDeadlineEndsTheRow() throws Exception {
        FaultMix f = new FaultMix(0, 0, 1, 0, 1.0, 10_000, 0, 0, 0, 1, List.of());
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            long t0 = System.nanoTime();
            CallResult r = call(s, http(0.3, 100, 1.2), null, "describe boots");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertFalse(r.ok());
            assertNull(r.error().status());
            assertTrue(r.error().message().startsWith("stage deadline passed"), r.error().message());
            assertTrue(r.error().message().contains("timed out after 0."), r.error().message());
            assertTrue(r.attempts() >= 2, "timeouts were retried: " + r.attempts());
            assertTrue(seconds < 5, "the deadline of 1.2 s ended the row after " + seconds + " s");
        }
    }

    @Test
    void aRetryAfterOfZeroStillBacksOff() throws Exception {
        // Retry-After: 0 on every 429; the first backoff is 400 ms, so the retry comes no sooner than 200 ms
        FaultMix f = new FaultMix(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, List.of(Fault.RATE_LIMITED, Fault.RATE_LIMITED));
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            HttpConfig http = new HttpConfig(4, 0, 0, 5, 5, 3, 400, 2000, 300, 0, false);
            CallResult r = call(s, http, null, "describe socks");
            assertTrue(r.ok(), String.valueOf(r.error()));
            assertEquals(3, r.attempts());
            List<FakeEndpointServer.Recorded> hits = s.recorded();
            for (int i = 1; i < hits.size(); i++) {
                long gap = hits.get(i).atMs() - hits.get(i - 1).atMs();
                assertTrue(gap >= 200, "retry " + i + " came " + gap + " ms after a Retry-After: 0 reply");
            }
        }
    }

    @Test
    void aDeadlineRunsOnTheMonotonicClockItWasGiven() {
        long[] now = {5_000_000_000L};
        Deadline d = Deadline.startingNow(1.5, () -> now[0]);
        assertEquals(1500, d.remainingMs());
        now[0] += 1_000_000_000L;
        assertEquals(500, d.remainingMs());
        now[0] += 600_000_000L;
        assertTrue(d.remainingMs() <= 0, "passed: " + d.remainingMs());
        assertTrue(Deadline.startingNow(0, () -> now[0]).remainingMs() > 1L << 50, "0 is no deadline");
    }

    @Test
    void anExhaustedQuotaIsNotWaitedFor() throws Exception {
        FaultMix f = new FaultMix(0, 0, 3600, 0, 0, 0, 0, 0, 0, 1, List.of(Fault.RATE_LIMITED));
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(f))) {
            CallResult r = call(s, http(5, 5, 0), null, "describe ties");
            assertEquals(429, r.error().status());
            assertEquals(1, r.attempts());
            assertTrue(r.error().message().startsWith("Retry-After of 3600 s exceeds"), r.error().message());
        }
    }

    @Test
    void theKeyIsSentAsBearerAndNeverAppearsInErrorsOrLogs(@TempDir Path dir) throws Exception {
        SecretRef key = new SecretRef(HttpTestKit.secretRef(dir));
        FakeEndpointServer.Options right =
                FakeEndpointServer.Options.of(FaultMix.none()).withApiKey(HttpTestKit.SECRET);
        try (FakeEndpointServer s = FakeEndpointServer.start(right)) {
            assertTrue(call(s, http(5, 0, 0), key, "describe hats").ok());
            assertEquals("Bearer " + HttpTestKit.SECRET, s.recorded().get(0).authorization());
        }
        FakeEndpointServer.Options wrong = FakeEndpointServer.Options.of(FaultMix.none()).withApiKey("sk-other");
        try (FakeEndpointServer s = FakeEndpointServer.start(wrong);
                HttpTestKit.LogCapture logs = new HttpTestKit.LogCapture()) {
            CallResult r = call(s, http(5, 0, 0), key, "describe hats");
            // the server echoes the Authorization header it got; the error keeps the rest of the message
            assertEquals(new CallError("describe", 401, "HTTP 401: Incorrect API key provided: Bearer ***", 1),
                    r.error());
            assertFalse(logs.text().contains(HttpTestKit.SECRET), logs.text());
            assertFalse(String.valueOf(r).contains(HttpTestKit.SECRET));
        }
    }
}
