package io.kka.bench.fake;

import com.sun.net.httpserver.HttpServer;
import io.kka.generate.http.StableIds;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback fake of OpenAI chat completions ({@code /v1/chat/completions}), the OpenAI images API
 * ({@code /v1/images/generations}) and AUTOMATIC1111 ({@code /sdapi/v1/txt2img}) for tests and
 * {@code kka bench endpoints}. Binds 127.0.0.1 on an ephemeral port; serves each exchange on a pool sized for
 * high concurrency (latency and hangs are simulated by sleeping there).
 *
 * <p>A request's key is a hash of its body. The server counts hits per key and "charges": 200 replies with a
 * well-formed body (a normal reply, empty choices, truncated or undecodable images, a refusal), each counted once
 * the reply was written. A reply cut half-way through its body is counted apart ({@link #cutReplies()}).
 */
public final class FakeEndpointServer implements AutoCloseable {
    static {
        // the JDK server leaves Nagle's algorithm on, and with the client's delayed ACKs a reply written in two
        // parts (headers, body) waits ~40 ms; read once, when the server classes load
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final FakeLedger ledger = new FakeLedger();

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

    private FakeEndpointServer(Options options, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "kka-fake-endpoint-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", new FakeHandler(options, ledger));
        server.start();
    }

    /**
     * @param options what to serve
     * @return a started server on 127.0.0.1
     * @throws IOException if it cannot bind
     */
    public static FakeEndpointServer start(Options options) throws IOException {
        return new FakeEndpointServer(options, 0);
    }

    /**
     * @param options what to serve
     * @param port    loopback port (0: any free one)
     * @return a started server on 127.0.0.1
     * @throws IOException if it cannot bind
     */
    public static FakeEndpointServer start(Options options, int port) throws IOException {
        return new FakeEndpointServer(options, port);
    }

    /** @return base URL of the OpenAI endpoints, {@code http://127.0.0.1:PORT/v1} */
    public String openAiBaseUrl() {
        return automatic1111BaseUrl() + "/v1";
    }

    /** @return the client's (loopback) port → request path of every request being served right now */
    public Map<Integer, String> inFlight() {
        return ledger.inFlight();
    }

    /** @return the loopback port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return base URL of the AUTOMATIC1111 endpoint, {@code http://127.0.0.1:PORT} */
    public String automatic1111BaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return requests received */
    public long hits() {
        return ledger.hits();
    }

    /** @return seconds from the first request received to the last reply written (0 before any reply) */
    public double busySeconds() {
        return ledger.busySeconds();
    }

    /** Forgets the timing window (hit and charge counts stay), e.g. after a warm-up. */
    public void resetWindow() {
        ledger.resetWindow();
    }

    /** @return distinct request keys received */
    public int keys() {
        return ledger.keys();
    }

    /** @return well-formed 200 replies written */
    public long charges() {
        return ledger.charges();
    }

    /**
     * Keys with more than one well-formed 200 reply. A client that times out and retries while the server is still
     * producing the first reply causes one (the server finishes the abandoned reply anyway): no client can avoid it
     * without server-side idempotency keys, which OpenAI-compatible APIs do not offer.
     *
     * @return request keys charged more than once
     */
    public long keysChargedTwice() {
        return ledger.keysChargedTwice();
    }

    /**
     * @return well-formed 200 replies closed half-way through their body ({@link FaultMix.Fault#RESET_MID_BODY}):
     *         never charged here, since the client never got them, though a real provider may bill them
     */
    public long cutReplies() {
        return ledger.cut();
    }

    /** @return how many validated requests got each fault (and {@code OK}), kinds never served left out */
    public Map<FaultMix.Fault, Long> faultsServed() {
        return ledger.servedCounts();
    }

    /** @return the hit count of every key charged so far, to compare with {@link #hitsSince(Map)} later */
    public Map<String, Integer> chargedKeyHits() {
        return ledger.chargedKeyHits();
    }

    /**
     * @param snapshot an earlier {@link #chargedKeyHits()}
     * @return requests received since then for the keys of the snapshot (re-requests of charged replies)
     */
    public long hitsSince(Map<String, Integer> snapshot) {
        return ledger.hitsSince(snapshot);
    }

    /** @return the last requests received (up to 256), oldest first */
    public List<Recorded> recorded() {
        return ledger.recorded();
    }

    /**
     * @param body a request body
     * @return the request key the server uses for it
     */
    public static String key(byte[] body) {
        return StableIds.of(new String(body, StandardCharsets.UTF_8));
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
