package io.kka.generate.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * The per-executor shared state of one endpoint: the in-flight semaphore, the request and token buckets and the
 * HTTP client (with its connection pool).
 *
 * <p>This is the one deliberate piece of static state in the job: the limits are promised per executor, and the
 * tasks of an executor are separate closures that share nothing but the JVM, so a JVM-wide registry keyed by
 * {@link Endpoint#limitsKey()} is the only place they can meet. Entries hold no data of any run, only limits and
 * sockets; the key includes the limit values, so a changed config gets fresh limits.
 */
public final class ExecutorLimits {
    private static final ConcurrentMap<String, ExecutorLimits> BY_ENDPOINT = new ConcurrentHashMap<>();

    private final Semaphore inFlight;
    private final TokenBucket requests;
    private final TokenBucket tokens;
    private final HttpClient client;

    private ExecutorLimits(Endpoint e) {
        this.inFlight = new Semaphore(e.http().concurrency(), true);
        this.requests = e.http().requestsPerMinute() > 0 ? TokenBucket.perMinute(e.http().requestsPerMinute()) : null;
        this.tokens = e.http().tokensPerMinute() > 0 ? TokenBucket.perMinute(e.http().tokensPerMinute()) : null;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis((long) (e.http().connectTimeoutS() * 1000)))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param endpoint an endpoint
     * @return this JVM's limits for it, created on first use
     */
    public static ExecutorLimits of(Endpoint endpoint) {
        return BY_ENDPOINT.computeIfAbsent(endpoint.limitsKey(), k -> new ExecutorLimits(endpoint));
    }

    /** @return permits for requests in flight (fair, so no row starves) */
    public Semaphore inFlight() {
        return inFlight;
    }

    /** @return the requests-per-minute bucket, or null when unlimited */
    public TokenBucket requests() {
        return requests;
    }

    /** @return the tokens-per-minute bucket, or null when unlimited */
    public TokenBucket tokens() {
        return tokens;
    }

    /** @return the shared HTTP/1.1 client */
    public HttpClient client() {
        return client;
    }
}
