package io.kka.generate.http.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kka.data.SplitHash;
import io.kka.generate.http.StableIds;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback fake of OpenAI chat completions ({@code /v1/chat/completions}), the OpenAI images API
 * ({@code /v1/images/generations}) and AUTOMATIC1111 ({@code /sdapi/v1/txt2img}) for tests and
 * {@code kka bench endpoints}. Binds 127.0.0.1 on an ephemeral port; serves each exchange on a pool sized for
 * high concurrency (latency and hangs are simulated by sleeping there).
 *
 * <p>A request's key is a hash of its body. The server counts hits per key and "charges": 200 replies with a
 * well-formed body (a normal reply, empty choices or truncated images), each counted once the reply was written.
 */
public final class FakeEndpointServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDED = 256;

    static {
        // the JDK server leaves Nagle's algorithm on, and with the client's delayed ACKs a reply written in two
        // parts (headers, body) waits ~40 ms; read once, when the server classes load
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Options options;
    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong firstHitNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastReplyNanos = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, AtomicInteger> hitsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> chargesByKey = new ConcurrentHashMap<>();
    private final Deque<Recorded> recorded = new ArrayDeque<>();

    /**
     * Server options.
     *
     * @param faults               latency and fault mix
     * @param apiKey               the key expected as {@code Authorization: Bearer}; null accepts any. A wrong key
     *                             gets a 401 whose body echoes the header, as careless servers do
     * @param descriptionsPerReply descriptions per chat choice when {@code chatLines} is empty
     * @param chatLines            fixed description lines of every chat reply (empty: generated)
     * @param imageSide            side of the served images, pixels
     * @param threads              exchange threads
     */
    public record Options(FaultMix faults, String apiKey, int descriptionsPerReply, List<String> chatLines,
            int imageSide, int threads) {
        /** Validates. */
        public Options {
            chatLines = chatLines == null ? List.of() : List.copyOf(chatLines);
            if (faults == null || descriptionsPerReply < 1 || imageSide < 1 || threads < 1) {
                throw new IllegalArgumentException("faults, descriptionsPerReply, imageSide and threads are required");
            }
        }

        /**
         * @param faults latency and fault mix
         * @return options with 3 generated descriptions per reply, 64-pixel images and 256 threads
         */
        public static Options of(FaultMix faults) {
            return new Options(faults, null, 3, List.of(), 64, 256);
        }

        /** @return a copy expecting this API key */
        public Options withApiKey(String key) {
            return new Options(faults, key, descriptionsPerReply, chatLines, imageSide, threads);
        }

        /** @return a copy whose chat replies list exactly these lines */
        public Options withChatLines(List<String> lines) {
            return new Options(faults, apiKey, descriptionsPerReply, lines, imageSide, threads);
        }

        /** @return a copy generating this many descriptions per chat choice */
        public Options withDescriptionsPerReply(int n) {
            return new Options(faults, apiKey, n, chatLines, imageSide, threads);
        }
    }

    /**
     * One request as the server saw it.
     *
     * @param path          request path
     * @param authorization the Authorization header, or null
     * @param body          the body
     * @param key           the request key
     * @param hit           0 for the key's first hit
     * @param atMs          arrival, epoch milliseconds
     */
    public record Recorded(String path, String authorization, String body, String key, int hit, long atMs) {
    }

    private FakeEndpointServer(Options options) throws IOException {
        this.options = options;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "kka-fake-endpoint-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * @param options what to serve
     * @return a started server on 127.0.0.1
     * @throws IOException if it cannot bind
     */
    public static FakeEndpointServer start(Options options) throws IOException {
        return new FakeEndpointServer(options);
    }

    /** @return base URL of the OpenAI endpoints, {@code http://127.0.0.1:PORT/v1} */
    public String openAiBaseUrl() {
        return automatic1111BaseUrl() + "/v1";
    }

    /** @return base URL of the AUTOMATIC1111 endpoint, {@code http://127.0.0.1:PORT} */
    public String automatic1111BaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return requests received */
    public long hits() {
        return hits.get();
    }

    /** @return seconds from the first request received to the last reply written (0 before any reply) */
    public double busySeconds() {
        long first = firstHitNanos.get();
        long last = lastReplyNanos.get();
        return last > first ? (last - first) / 1e9 : 0.0;
    }

    /** Forgets the timing window (hit and charge counts stay), e.g. after a warm-up. */
    public void resetWindow() {
        firstHitNanos.set(Long.MAX_VALUE);
        lastReplyNanos.set(Long.MIN_VALUE);
    }

    /** @return distinct request keys received */
    public int keys() {
        return hitsByKey.size();
    }

    /** @return well-formed 200 replies written */
    public long charges() {
        return chargesByKey.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    /**
     * Keys with more than one well-formed 200 reply. A client that times out and retries while the server is still
     * producing the first reply causes one (the server finishes the abandoned reply anyway): no client can avoid it
     * without server-side idempotency keys, which OpenAI-compatible APIs do not offer.
     *
     * @return request keys charged more than once
     */
    public long keysChargedTwice() {
        return chargesByKey.values().stream().filter(c -> c.get() > 1).count();
    }

    /** @return the hit count of every key charged so far, to compare with {@link #hitsSince(Map)} later */
    public Map<String, Integer> chargedKeyHits() {
        Map<String, Integer> m = new java.util.HashMap<>();
        chargesByKey.forEach((k, c) -> {
            if (c.get() > 0) {
                m.put(k, hitsByKey.get(k).get());
            }
        });
        return m;
    }

    /**
     * @param snapshot an earlier {@link #chargedKeyHits()}
     * @return requests received since then for the keys of the snapshot (re-requests of charged replies)
     */
    public long hitsSince(Map<String, Integer> snapshot) {
        return snapshot.entrySet().stream().mapToLong(e -> hitsByKey.get(e.getKey()).get() - e.getValue()).sum();
    }

    /** @return the last requests received (up to 256), oldest first */
    public synchronized List<Recorded> recorded() {
        return new ArrayList<>(recorded);
    }

    /**
     * @param body a request body
     * @return the request key the server uses for it
     */
    public static String key(byte[] body) {
        return StableIds.of(new String(body, StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String key = key(body);
            int hit = hitsByKey.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
            hits.incrementAndGet();
            firstHitNanos.accumulateAndGet(System.nanoTime(), Math::min);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            record(new Recorded(ex.getRequestURI().getPath(), auth, new String(body, StandardCharsets.UTF_8), key,
                    hit, System.currentTimeMillis()));
            serve(ex, body, key, hit, auth);
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
            case MALFORMED -> send(ex, 200, "{\"choices\": [{\"message\": {\"content\": \"1. a cut".getBytes(
                    StandardCharsets.UTF_8), null);
            default -> {
                boolean empty = fault == FaultMix.Fault.EMPTY;
                byte[] reply = chat ? FakeReplies.chat(req, key, options.chatLines(), options.descriptionsPerReply(),
                        empty) : FakeReplies.images(openAiImages, req, key, options.imageSide(), empty,
                        fault == FaultMix.Fault.TRUNCATED);
                send(ex, 200, reply, key);
            }
        }
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
        return FaultMix.Fault.OK;
    }

    private void send(HttpExchange ex, int status, byte[] body, String chargedKey) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
        long written = System.nanoTime();
        lastReplyNanos.accumulateAndGet(written, Math::max);
        if (chargedKey != null) {
            chargesByKey.computeIfAbsent(chargedKey, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private synchronized void record(Recorded r) {
        if (recorded.size() == RECORDED) {
            recorded.removeFirst();
        }
        recorded.addLast(r);
    }

    /** Stops the server and its threads (a hanging exchange is interrupted). */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
