package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.config.SecretRef;
import java.util.concurrent.TimeUnit;

/**
 * Makes one row's call: cache first, then attempts under the executor's limits, retried per {@link RetryPolicy},
 * each attempt bounded by the request timeout and the partition's deadline. Never throws for an endpoint failure: the
 * result carries a {@link CallError}. Built once per partition; thread-safe.
 */
public final class EndpointCaller {
    private final Endpoint endpoint;
    private final ExecutorLimits limits;
    private final RetryPolicy policy;
    private final ResponseCache cache;
    private final ReplyCheck check;
    private final HttpAttempt http;
    private final Deadline deadline;
    private final java.util.concurrent.atomic.AtomicInteger consecutiveFailures =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile String open;

    private EndpointCaller(Endpoint endpoint, ReplyCheck check, ResponseCache cache, Deadline deadline,
            SecretRef.Secret secret) {
        this.endpoint = endpoint;
        this.limits = ExecutorLimits.of(endpoint);
        this.policy = new RetryPolicy(endpoint.http());
        this.cache = cache;
        this.check = check;
        this.http = new HttpAttempt(endpoint, limits.client(), secret);
        this.deadline = deadline;
    }

    /**
     * @param endpoint        the endpoint
     * @param check           the protocol's reply check
     * @param cache           the response cache, or null for none
     * @param deadline        the partition's deadline, started when the partition started
     * @param secret          the resolved API key, or null
     * @return a caller for one partition
     */
    static EndpointCaller open(Endpoint endpoint, ReplyCheck check, ResponseCache cache, Deadline deadline,
            SecretRef.Secret secret) {
        return new EndpointCaller(endpoint, check, cache, deadline, secret);
    }

    /**
     * @param req the request
     * @return a reply (possibly from the cache) or an error; never throws for endpoint failures
     */
    public CallResult call(CallRequest req) {
        CallResult hit = fromCache(req);
        if (hit != null) {
            return hit;
        }
        String circuit = open;
        if (circuit != null) {
            return new CallResult(null, new CallError(endpoint.kind().stage(), null, circuit, 0), 0, 0, false);
        }
        CallResult r = attempt(req);
        trip(r);
        return r;
    }

    /**
     * The circuit breaker: a key or quota rejection (401, 403, insufficient_quota) opens it at once, since every
     * other row would get the same answer; {@code http.circuit_breaker_failures} consecutive failed rows open it too.
     * Once open, the partition's remaining rows fail without a request, naming why.
     */
    private void trip(CallResult r) {
        if (r.ok()) {
            consecutiveFailures.set(0);
            return;
        }
        CallError e = r.error();
        Integer status = e.status();
        boolean quota = quotaExhausted(e.message());
        if (status != null && (status == 401 || status == 403) || quota) {
            open = "not sent: " + endpoint.label() + " at " + endpoint.baseUrl() + " rejected the "
                    + (quota ? "quota" : "API key") + " (" + e.message() + "); every row would get the same answer";
            return;
        }
        int limit = endpoint.http().circuitBreakerFailures();
        if (limit > 0 && consecutiveFailures.incrementAndGet() >= limit && open == null) {
            open = "not sent: circuit open after " + limit + " consecutive failed rows of " + endpoint.label()
                    + " at " + endpoint.baseUrl() + " (http.circuit_breaker_failures; last: " + e.message() + ")";
        }
    }

    private static boolean quotaExhausted(String message) {
        return message.contains("insufficient_quota") || message.contains("exceeded your current quota");
    }

    private CallResult attempt(CallRequest req) {
        int attempts = 0;
        HttpAttempt.Outcome last = null;
        while (true) {
            String late = admit(req);
            if (late != null) {
                return failed(last, attempts, late);
            }
            attempts++;
            try {
                last = http.send(req, Math.min(timeoutMs(), remainingMs()));
            } finally {
                limits.inFlight().release();
            }
            if (last.status() >= 200 && last.status() < 300 && last.body() != null) {
                try {
                    return accept(req, last, check.check(last.body()), attempts);
                } catch (ReplyCheck.MalformedReplyException e) {
                    last = last.malformed(http.redact(e.getMessage()), e.retryable());
                }
            }
            String stop = retryVerdict(last, attempts);
            if (stop != null) {
                return failed(last, attempts, stop);
            }
            if (!sleep(policy.delayMs(attempts - 1, last.retryAfterMs()))) {
                return failed(last, attempts, "stage deadline passed while waiting to retry");
            }
        }
    }

    private CallResult fromCache(CallRequest req) {
        if (cache == null) {
            return null;
        }
        byte[] body = cache.get(req.cacheKey());
        if (body == null) {
            return null;
        }
        try {
            return new CallResult(check.check(body), null, 0, 0, true);
        } catch (ReplyCheck.MalformedReplyException e) {
            return null;
        }
    }

    /** Waits for the rate buckets and an in-flight permit; returns why not when the deadline comes first. */
    private String admit(CallRequest req) {
        if (remainingMs() <= 0) {
            return "stage deadline passed";
        }
        long waitNs = 0;
        if (limits.requests() != null) {
            waitNs = limits.requests().reserve(1);
        }
        if (limits.tokens() != null && req.estimatedTokens() > 0) {
            waitNs = Math.max(waitNs, limits.tokens().reserve(req.estimatedTokens()));
        }
        if (waitNs > 0 && !sleep(TimeUnit.NANOSECONDS.toMillis(waitNs) + 1)) {
            return "stage deadline passed while waiting for the rate limit";
        }
        try {
            if (!limits.inFlight().tryAcquire(remainingMs(), TimeUnit.MILLISECONDS)) {
                return "stage deadline passed while waiting for a free connection";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted (task cancelled)";
        }
        return null;
    }

    private CallResult accept(CallRequest req, HttpAttempt.Outcome out, JsonNode reply, int attempts) {
        if (limits.tokens() != null) {
            long used = check.tokens(reply);
            if (used >= 0) {
                limits.tokens().refund(req.estimatedTokens() - used);
            }
        }
        if (cache != null) {
            cache.put(req.cacheKey(), out.body());
        }
        return new CallResult(reply, null, attempts, attempts - 1, false);
    }

    /** @return null to retry, else why the row stops here */
    private String retryVerdict(HttpAttempt.Outcome out, int attempts) {
        if (!out.retryable()) {
            return "";
        }
        if (out.status() == 429 && quotaExhausted(out.message())) {
            return "quota exhausted (insufficient_quota); not retried";
        }
        if (out.retryAfterMs().isPresent() && policy.tooLong(out.retryAfterMs().get())) {
            return "Retry-After of " + out.retryAfterMs().get() / 1000 + " s exceeds http.retry_after_max_s;"
                    + " not retried";
        }
        if (attempts > policy.maxRetries()) {
            return "gave up after " + attempts + " attempts";
        }
        return null;
    }

    private CallResult failed(HttpAttempt.Outcome last, int attempts, String why) {
        String msg = last == null ? why : why.isEmpty() ? last.message() : why + "; last: " + last.message();
        Integer status = last == null || last.status() <= 0 ? null : last.status();
        return new CallResult(null, new CallError(endpoint.kind().stage(), status, http.redact(msg), attempts),
                attempts, Math.max(0, attempts - 1), false);
    }

    /** @return false if the deadline comes before {@code ms} have passed (then it does not wait) */
    private boolean sleep(long ms) {
        if (ms >= remainingMs()) {
            return false;
        }
        try {
            Thread.sleep(Math.max(0, ms));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long timeoutMs() {
        return (long) (endpoint.http().timeoutS() * 1000);
    }

    private long remainingMs() {
        return deadline.remainingMs();
    }
}
