package io.kka.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.cli.Kka;
import io.kka.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link EndpointBench} and {@code kka bench endpoints}, at a tiny size (the real run is not a test). */
class EndpointBenchTest {

    @Test
    void aFaultyRunLosesNothingAndPaysNothingTwice() throws Exception {
        EndpointBench.Settings s = new EndpointBench.Settings(150, 5, 8, true, 2, 0.5, 0.2, 1000, true, 3, 0);
        Map<String, Object> r = EndpointBench.run(SparkTestSession.get(), s);
        assertEquals("faults", r.get("mode"));
        assertEquals(0L, r.get("lost"));
        assertEquals(0L, r.get("duplicate_rows"));
        assertEquals(0L, r.get("duplicate_charges"));
        assertEquals(0L, r.get("rerun_requests_for_charged_rows"));
        assertEquals(150L, (Long) r.get("ok") + (Long) r.get("error_rows"));
        assertTrue((Long) r.get("retries") > 0, "the fault mix caused retries: " + r);
        assertTrue((Long) r.get("http_requests") > 150, r.toString());
    }

    @Test
    void aNastyRunWithImagesLosesNothingAndPaysNothingTwice() throws Exception {
        EndpointBench.Settings s = new EndpointBench.Settings(200, 5, 8, true, 2, 0.5, 0.2, 1000, true, 5, 0, true,
                80);
        Map<String, Object> r = EndpointBench.run(SparkTestSession.get(), s);
        assertEquals("nasty", r.get("mode"));
        for (String k : List.of("lost", "duplicate_rows", "duplicate_charges", "rerun_requests_for_charged_rows",
                "images_lost", "images_duplicate_rows", "images_duplicate_charges",
                "images_rerun_requests_for_charged_rows")) {
            assertEquals(0L, r.get(k), k + " in " + r);
        }
        assertEquals(200L, (Long) r.get("ok") + (Long) r.get("error_rows"));
        assertEquals(80L, (Long) r.get("images_ok") + (Long) r.get("images_error_rows"));
        assertTrue((Long) r.get("images_retries") > 0, "the image rows met the fault mix too: " + r);
        @SuppressWarnings("unchecked")
        Map<io.kka.bench.fake.FaultMix.Fault, Long> served = (Map<io.kka.bench.fake.FaultMix.Fault, Long>)
                r.get("faults_served");
        // content faults on the image endpoint, resets mid-reply, proxy pages and HTTP-date Retry-After all came up
        for (var f : List.of(io.kka.bench.fake.FaultMix.Fault.HTML_502, io.kka.bench.fake.FaultMix.Fault.RESET_MID_BODY,
                io.kka.bench.fake.FaultMix.Fault.RATE_LIMITED_DATE, io.kka.bench.fake.FaultMix.Fault.ERROR_200)) {
            assertTrue(served.getOrDefault(f, 0L) > 0, f + " never served: " + served);
        }
        assertEquals(served.get(io.kka.bench.fake.FaultMix.Fault.RESET_MID_BODY), r.get("server_cut_replies"));
    }

    @Test
    void theCommandPrintsOneJsonObjectLast() throws Exception {
        SparkTestSession.get();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream before = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Kka.run("bench", "endpoints", "--requests", "120", "--latency-ms", "5", "--concurrency", "8",
                    "--warmup", "0");
        } finally {
            System.setOut(before);
        }
        assertEquals(0, code);
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("endpoints", last.get("bench").asText());
        assertEquals(120, last.get("requests").asInt());
        assertEquals(1600.0, last.get("limit_rps").asDouble());
        assertTrue(last.get("achieved_rps").asDouble() > 0);
        assertEquals(last.get("achieved_rps").asDouble() / 1600.0, last.get("ratio").asDouble(), 0.001);
        assertEquals(120, last.get("http_requests").asInt());
    }

    @Test
    void aServerInAnotherPlaceIsMeasuredByTheJobsOwnRate() throws Exception {
        EndpointBench.Settings s = new EndpointBench.Settings(100, 5, 8, false, 2, 30, 1, 1000, true, 1, 0);
        // the test's own loopback server stands for the other process
        try (var server = io.kka.bench.fake.FakeEndpointServer.start(EndpointBench.serverOptions(s))) {
            Map<String, Object> r = EndpointBench.runExternal(SparkTestSession.get(), s, server.openAiBaseUrl());
            assertEquals("external", r.get("mode"));
            assertEquals(100L, r.get("ok"));
            assertEquals(0L, r.get("lost"));
            assertEquals(0L, r.get("duplicate_rows"));
            assertEquals(100L, server.hits(), "one request per row");
            assertTrue((Double) r.get("job_rps") > 0, r.toString());
        }
    }

    @Test
    void theCeilingSendsTheSameRequestsAgainFromBareThreadsTwice() throws Exception {
        EndpointBench.Settings s = new EndpointBench.Settings(100, 5, 8, false, 2, 30, 1, 1000, true, 1, 0);
        try (var server = io.kka.bench.fake.FakeEndpointServer.start(EndpointBench.serverOptions(s))) {
            Map<String, Object> r = EndpointBench.runExternal(SparkTestSession.get(), s, server.openAiBaseUrl(), true);
            assertEquals(100L, r.get("ok"));
            assertEquals(300L, server.hits(), "the job's 100 requests, then 100 per bare pass");
            for (String k : List.of("ceiling_async", "ceiling_send")) {
                double rps = (Double) r.get(k + "_rps");
                // 8 in flight, each held >= 5 ms by the server: no pass can beat 1,600 requests/s
                assertTrue(rps > 0 && rps <= 1600.0, k + " " + r);
                assertTrue((Double) r.get(k + "_mean_ms") >= 5.0, k + " " + r);
                assertEquals(rps / 1600.0, (Double) r.get(k + "_ratio"), 0.001);
            }
            double best = Math.max((Double) r.get("ceiling_async_rps"), (Double) r.get("ceiling_send_rps"));
            assertEquals((Double) r.get("job_rps") / best, (Double) r.get("job_vs_ceiling"), 0.01);
        }
    }

    @Test
    void theCeilingIsRefusedBesideFaults() {
        assertEquals(2, Kka.run("bench", "endpoints", "--faults", "--ceiling", "--requests", "10"));
    }
}
