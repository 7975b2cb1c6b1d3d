package io.kka.config;

/**
 * How Spark partitions call an HTTP endpoint: bounded concurrency, rate limits, retries, timeouts and a deadline.
 *
 * @param concurrency       requests in flight per executor
 * @param requestsPerMinute shared by the tasks of one executor; 0 is unlimited
 * @param tokensPerMinute   shared by the tasks of one executor; 0 is unlimited
 * @param timeoutS          per-request timeout, seconds
 * @param maxRetries        retries after the first attempt (429, 5xx, timeouts, connection resets)
 * @param backoffInitialMs  first backoff, milliseconds; doubles per retry, with jitter
 * @param backoffMaxMs      cap of one backoff, milliseconds
 * @param deadlineS         per-stage deadline, seconds; rows left after it get an error (0: none)
 * @param cache             consult and fill the response cache under the run directory
 */
public record HttpConfig(
        @Doc("requests in flight per executor") int concurrency,
        @Doc("requests per minute, shared by the tasks of an executor; 0 is unlimited") int requestsPerMinute,
        @Doc("tokens per minute, shared by the tasks of an executor; 0 is unlimited") int tokensPerMinute,
        @Doc("per-request timeout, seconds") double timeoutS,
        @Doc("retries after the first attempt, for 429, 5xx, timeouts and connection resets") int maxRetries,
        @Doc("first retry backoff, ms; doubles per retry with jitter; Retry-After wins when present")
        long backoffInitialMs,
        @Doc("cap of one backoff, ms") long backoffMaxMs,
        @Doc("per-stage deadline, seconds; rows left after it get an error row instead of hanging (0: none)")
        double deadlineS,
        @Doc("use the response cache under the run directory (a rerun makes no repeated calls)") boolean cache) implements java.io.Serializable {

    /** Validates. */
    public HttpConfig {
        Check.atLeast("concurrency", concurrency, 1);
        Check.atLeast("requests_per_minute", requestsPerMinute, 0);
        Check.atLeast("tokens_per_minute", tokensPerMinute, 0);
        Check.positive("timeout_s", timeoutS);
        Check.atLeast("max_retries", maxRetries, 0);
        Check.atLeast("backoff_initial_ms", backoffInitialMs, 1L);
        Check.atLeast("backoff_max_ms", backoffMaxMs, backoffInitialMs);
        Check.atLeast("deadline_s", deadlineS, 0.0);
    }

    /** @return defaults */
    public static HttpConfig defaults() {
        return new HttpConfig(8, 0, 0, 120, 6, 500, 60_000, 0, true);
    }
}
