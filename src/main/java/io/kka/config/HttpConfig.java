package io.kka.config;

/**
 * How Spark partitions call an HTTP endpoint: bounded concurrency, rate limits, retries, timeouts and a deadline.
 * Limits are per executor JVM (shared by all tasks of the executor), so a cluster-wide budget is the per-executor
 * value times the number of executors.
 *
 * @param concurrency       requests in flight per executor, default 8
 * @param requestsPerMinute shared by the tasks of one executor; 0 (default) is unlimited
 * @param tokensPerMinute   shared by the tasks of one executor; 0 (default) is unlimited
 * @param timeoutS          per-request timeout (until the whole response is read), seconds, default 120
 * @param connectTimeoutS   TCP connect timeout, seconds, default 10
 * @param maxRetries        retries after the first attempt (429, 5xx, timeouts, connection resets, malformed
 *                          replies), default 6
 * @param backoffInitialMs  first backoff, milliseconds, default 500; doubles per retry, with jitter
 * @param backoffMaxMs      cap of one backoff, milliseconds, default 60000
 * @param retryAfterMaxS    longest Retry-After honoured, seconds, default 300; a longer one (an exhausted quota)
 *                          fails the row at once instead of stalling the stage
 * @param deadlineS         per-partition deadline, seconds, counted on the executor's monotonic clock from when the
 *                          partition starts; rows left after it get an error (0, the default: none)
 * @param cache             consult and fill the response cache under the run directory, default true
 * @param allowInsecureHttp send the API key over plain http:// to a non-loopback host, default false
 * @param maxResponseBytes  the largest response body read, bytes, default 64 MiB; a longer one (declared or
 *                          streamed) is cut off and fails the row without a retry
 * @param maxErrorFraction  the stage's error budget: more error rows than this fraction fails the iteration before
 *                          it is committed, default 0.5
 * @param circuitBreakerFailures after this many consecutive failed rows in a partition the remaining rows fail
 *                          without a request, default 10 (0: never); 401, 403 and insufficient_quota trip it at once
 */
public record HttpConfig(
        @Doc("requests in flight per executor (shared by its tasks)") int concurrency,
        @Doc("requests per minute, shared by the tasks of an executor; 0 is unlimited") int requestsPerMinute,
        @Doc("tokens per minute (prompt + max completion tokens, corrected by the reply's usage), shared by the"
                + " tasks of an executor; 0 is unlimited") int tokensPerMinute,
        @Doc("per-request timeout until the whole response is read, seconds") double timeoutS,
        @Doc("TCP connect timeout, seconds") double connectTimeoutS,
        @Doc("retries after the first attempt, for 429, 5xx, timeouts, connection resets and malformed replies")
        int maxRetries,
        @Doc("first retry backoff, ms; doubles per retry with jitter; a positive Retry-After wins when present")
        long backoffInitialMs,
        @Doc("cap of one backoff, ms") long backoffMaxMs,
        @Doc("longest Retry-After honoured, seconds; a longer one (e.g. an exhausted quota) fails the row at once")
        double retryAfterMaxS,
        @Doc("per-partition deadline, seconds, counted on the executor's monotonic clock from when the partition"
                + " starts (never a driver instant, so clock skew cannot move it); rows left after it get an error"
                + " row instead of hanging (0: none)") double deadlineS,
        @Doc("use the response cache under the run directory (a rerun makes no repeated calls)") boolean cache,
        @Doc("allow sending the API key over plain http:// to a host that is not loopback (a config error"
                + " otherwise; loopback http and https are always allowed)") boolean allowInsecureHttp,
        @Doc("largest response body read, bytes; a longer one (by Content-Length or as it streams) is cut off,"
                + " never held in memory, and fails the row without a retry") long maxResponseBytes,
        @Doc("error budget of the stage: if more than this fraction of its rows are error rows, the iteration fails"
                + " before it is committed (exit 1, nothing written), instead of training on what little came back")
        double maxErrorFraction,
        @Doc("circuit breaker: after this many consecutive failed rows in a partition, its remaining rows fail"
                + " without a request (0: never); HTTP 401, 403 and insufficient_quota trip it at once")
        int circuitBreakerFailures)
        implements java.io.Serializable {

    /** Validates. */
    public HttpConfig {
        Check.atLeast("concurrency", concurrency, 1);
        Check.atLeast("requests_per_minute", requestsPerMinute, 0);
        Check.atLeast("tokens_per_minute", tokensPerMinute, 0);
        Check.positive("timeout_s", timeoutS);
        Check.positive("connect_timeout_s", connectTimeoutS);
        Check.atLeast("max_retries", maxRetries, 0);
        Check.atLeast("backoff_initial_ms", backoffInitialMs, 1L);
        Check.atLeast("backoff_max_ms", backoffMaxMs, backoffInitialMs);
        Check.atLeast("retry_after_max_s", retryAfterMaxS, 0.0);
        Check.atLeast("deadline_s", deadlineS, 0.0);
        Check.atLeast("max_response_bytes", maxResponseBytes, 1024L);
        if (!(maxErrorFraction >= 0 && maxErrorFraction <= 1)) {
            throw new ConfigException("max_error_fraction", "must be in [0, 1]", String.valueOf(maxErrorFraction));
        }
        Check.atLeast("circuit_breaker_failures", circuitBreakerFailures, 0);
    }

    /** The default of {@code max_response_bytes}: 64 MiB, room for several 1024×1024 PNGs in base64. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

    /**
     * The settings without the insecure-http opt-in (false) and the response cap (its default).
     *
     * @param concurrency       requests in flight per executor
     * @param requestsPerMinute per executor; 0 is unlimited
     * @param tokensPerMinute   per executor; 0 is unlimited
     * @param timeoutS          per-request timeout, seconds
     * @param connectTimeoutS   TCP connect timeout, seconds
     * @param maxRetries        retries after the first attempt
     * @param backoffInitialMs  first backoff, ms
     * @param backoffMaxMs      cap of one backoff, ms
     * @param retryAfterMaxS    longest Retry-After honoured, seconds
     * @param deadlineS         per-partition deadline, seconds (0: none)
     * @param cache             use the response cache
     */
    public HttpConfig(int concurrency, int requestsPerMinute, int tokensPerMinute, double timeoutS,
            double connectTimeoutS, int maxRetries, long backoffInitialMs, long backoffMaxMs, double retryAfterMaxS,
            double deadlineS, boolean cache) {
        this(concurrency, requestsPerMinute, tokensPerMinute, timeoutS, connectTimeoutS, maxRetries,
                backoffInitialMs, backoffMaxMs, retryAfterMaxS, deadlineS, cache, false, DEFAULT_MAX_RESPONSE_BYTES,
                0.5, 10);
    }

    /**
     * The settings without the connect-timeout and Retry-After keys (they take their defaults).
     *
     * @param concurrency       requests in flight per executor
     * @param requestsPerMinute per executor; 0 is unlimited
     * @param tokensPerMinute   per executor; 0 is unlimited
     * @param timeoutS          per-request timeout, seconds
     * @param maxRetries        retries after the first attempt
     * @param backoffInitialMs  first backoff, ms
     * @param backoffMaxMs      cap of one backoff, ms
     * @param deadlineS         per-partition deadline, seconds (0: none)
     * @param cache             use the response cache
     */
    public HttpConfig(int concurrency, int requestsPerMinute, int tokensPerMinute, double timeoutS, int maxRetries,
            long backoffInitialMs, long backoffMaxMs, double deadlineS, boolean cache) {
        this(concurrency, requestsPerMinute, tokensPerMinute, timeoutS, 10, maxRetries, backoffInitialMs,
                backoffMaxMs, 300, deadlineS, cache);
    }

    /** @return defaults */
    public static HttpConfig defaults() {
        return new HttpConfig(8, 0, 0, 120, 10, 6, 500, 60_000, 300, 0, true, false, DEFAULT_MAX_RESPONSE_BYTES, 0.5,
                10);
    }
}
