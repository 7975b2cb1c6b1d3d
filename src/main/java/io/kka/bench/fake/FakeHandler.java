package io.kka.bench.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kka.data.SplitHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** The fake server's request handling: routing, auth, validation, latency, then a reply or a fault. */
final class FakeHandler implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeEndpointServer.Options options;
    private final FakeLedger ledger;

    FakeHandler(FakeEndpointServer.Options options, FakeLedger ledger) {
        this.options = options;
        this.ledger = ledger;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String key = FakeEndpointServer.key(body);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            int hit = ledger.hit(key, ex.getRequestURI().getPath(), auth, body);
            int client = ex.getRemoteAddress().getPort();
            ledger.enter(client, ex.getRequestURI().getPath());
            try {
                serve(ex, body, key, hit, auth);
            } finally {
                ledger.leave(client);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(HttpExchange ex, byte[] body, String key, int hit, String auth)
            throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        boolean chat = path.equals("/v1/chat/completions");
        boolean openAiImages = path.equals("/v1/images/generations");
        if (!chat && !openAiImages && !path.equals("/sdapi/v1/txt2img") || !"POST".equals(ex.getRequestMethod())) {
            send(ex, 404, FakeReplies.error("not_found", ex.getRequestMethod() + " " + path), null);
            return;
        }
        if (options.apiKey() != null && !("Bearer " + options.apiKey()).equals(auth)) {
            send(ex, 401, FakeReplies.error("invalid_request_error", "Incorrect API key provided: " + auth), null);
            return;
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            send(ex, 400, FakeReplies.error("invalid_request_error", "body is not JSON"), null);
            return;
        }
        String missing = missing(req, chat, openAiImages);
        if (missing != null) {
            send(ex, 400, FakeReplies.error("invalid_request_error", "missing required field " + missing), null);
            return;
        }
        FaultMix.Fault fault = fault(key, hit);
        ledger.served(fault);
        Thread.sleep(options.faults().latencyMs());
        respond(ex, req, key, fault, chat, openAiImages);
    }

    private void respond(HttpExchange ex, JsonNode req, String key, FaultMix.Fault fault, boolean chat,
            boolean openAiImages) throws IOException, InterruptedException {
        switch (fault) {
            case RATE_LIMITED -> {
                ex.getResponseHeaders().set("Retry-After", retryAfter());
                send(ex, 429, FakeReplies.error("rate_limit_exceeded", "Rate limit reached, retry later"), null);
            }
            case SERVER_ERROR -> send(ex, 503, FakeReplies.error("server_error", "The server is overloaded"), null);
            case BAD_REQUEST -> send(ex, 400, FakeReplies.error("invalid_request_error", "unsupported value"), null);
            case HANG -> Thread.sleep(options.faults().hangMs());
            case RESET -> {
                // closing the exchange without a response drops the connection
            }
            case QUOTA -> send(ex, 429, FakeReplies.error("insufficient_quota", "You exceeded your current quota,"
                    + " please check your plan and billing details."), null);
            case ERROR_200 -> send(ex, 200, FakeReplies.error("server_error", "The model is overloaded"), null);
            case CONTENT_FILTER -> send(ex, 200, ("{\"choices\": [{\"index\": 0, \"message\": {\"role\":"
                    + " \"assistant\", \"content\": null}, \"finish_reason\": \"content_filter\"}]}").getBytes(
                    StandardCharsets.UTF_8), key);
            case MALFORMED -> send(ex, 200, "{\"choices\": [{\"message\": {\"content\": \"1. a cut".getBytes(
                    StandardCharsets.UTF_8), null);
            case RATE_LIMITED_DATE -> {
                long s = (long) Math.ceil(options.faults().retryAfterS());
                ex.getResponseHeaders().set("Retry-After", httpDate(s));
                send(ex, 429, FakeReplies.error("rate_limit_exceeded", "Rate limit reached, retry later"), null);
            }
            case RATE_LIMITED_PAST_DATE -> {
                ex.getResponseHeaders().set("Retry-After", httpDate(-60));
                send(ex, 429, FakeReplies.error("rate_limit_exceeded", "Rate limit reached, retry later"), null);
            }
            case HTML_502 -> send(ex, 502, "text/html", HTML_502, null);
            case RESET_MID_BODY -> cut(ex, reply(req, key, FaultMix.Fault.OK, chat, openAiImages), key);
            default -> send(ex, 200, reply(req, key, fault, chat, openAiImages), key);
        }
    }

    private static final byte[] HTML_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** @return a well-formed 200 body for this request, shaped by a content fault (EMPTY, TRUNCATED, …) */
    private byte[] reply(JsonNode req, String key, FaultMix.Fault fault, boolean chat, boolean openAiImages) {
        boolean empty = fault == FaultMix.Fault.EMPTY;
        return chat ? FakeReplies.chat(req, key, options.chatLines(), options.descriptionsPerReply(), empty)
                : FakeReplies.images(openAiImages, req, key, options.imageSide(), empty,
                        fault == FaultMix.Fault.TRUNCATED, fault == FaultMix.Fault.BOMB,
                        fault == FaultMix.Fault.UNDECODABLE);
    }

    /** @return an IMF-fixdate (RFC 9110) {@code seconds} from now */
    private static String httpDate(long seconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(seconds));
    }

    /**
     * Declares the whole body, writes half of it and drops the connection: the client reads a premature end of
     * stream, as from a proxy or a provider that drops the connection mid-reply. Counted as a cut reply, not a
     * charge (the client never got it; a provider may still bill it).
     */
    private void cut(HttpExchange ex, byte[] body, String key) throws IOException {
        ledger.cut(key);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        OutputStream out = ex.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        // closing the exchange would leave the connection open, the client waiting for the rest until its timeout;
        // a handler that throws makes the JDK server close the connection itself
        throw new IOException("fake server: connection closed half-way through the reply");
    }

    private String retryAfter() {
        double s = options.faults().retryAfterS();
        return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.3f", s);
    }

    private static String missing(JsonNode req, boolean chat, boolean openAiImages) {
        if (chat) {
            return !req.path("model").isTextual() ? "model" : !req.path("messages").isArray() ? "messages" : null;
        }
        return !req.path("prompt").isTextual() ? "prompt" : openAiImages && !req.path("model").isTextual()
                ? "model" : null;
    }

    private FaultMix.Fault fault(String key, int hit) {
        FaultMix f = options.faults();
        if (hit < f.script().size()) {
            return f.script().get(hit);
        }
        double u = (SplitHash.mix(f.seed() * 0x9E3779B97F4A7C15L ^ key.hashCode() * 31L + hit) >>> 11) * 0x1.0p-53;
        double[] p = {f.p429(), f.p5xx(), f.pHang(), f.pMalformed(), f.pEmpty(), f.pTruncated()};
        FaultMix.Fault[] kinds = {FaultMix.Fault.RATE_LIMITED, FaultMix.Fault.SERVER_ERROR, FaultMix.Fault.HANG,
            FaultMix.Fault.MALFORMED, FaultMix.Fault.EMPTY, FaultMix.Fault.TRUNCATED};
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) {
                return kinds[i];
            }
        }
        for (Map.Entry<FaultMix.Fault, Double> e : f.more().entrySet()) {
            acc += e.getValue();
            if (u < acc) {
                return e.getKey();
            }
        }
        return FaultMix.Fault.OK;
    }

    private void send(HttpExchange ex, int status, byte[] body, String chargedKey) throws IOException {
        send(ex, status, "application/json", body, chargedKey);
    }

    private void send(HttpExchange ex, int status, String contentType, byte[] body, String chargedKey)
            throws IOException {
        // charged when the reply is produced, as a real provider does (also when the client has hung up), and
        // before the client can see it, so a test that reads the ledger after its call never misses the charge
        ledger.replied(chargedKey);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
