package io.kka.generate.http;

import io.kka.config.HttpConfig;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failures are retried and how long to wait: capped exponential backoff with jitter, or the server's
 * {@code Retry-After} when it sends one.
 *
 * <p>Retried: 408, 429, every 5xx, timeouts, connection resets and malformed 2xx replies (a truncated or
 * non-JSON body is a transport fault, not an answer). Not retried: every other 4xx (a bad request stays bad), and
 * a 429 whose {@code Retry-After} exceeds {@code retry_after_max_s}: that is an exhausted quota, and retrying it
 * would only stall the stage (the lesson of SynapseML PR #2539).
 */
public final class RetryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final HttpConfig http;

    /** @param http retry settings */
    public RetryPolicy(HttpConfig http) {
        this.http = http;
    }

    /**
     * @param status HTTP status
     * @return true for statuses worth retrying
     */
    public static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500 && status <= 599;
    }

    /** @return the most retries after the first attempt */
    public int maxRetries() {
        return http.maxRetries();
    }

    /**
     * Exponential backoff with "equal jitter": half of the capped exponential value, plus a uniform draw over the
     * other half, so concurrent rows that failed together do not retry together.
     *
     * @param retry 0 for the first retry
     * @return milliseconds to wait, in [b/2, b] with b = min(backoff_max_ms, backoff_initial_ms * 2^retry)
     */
    public long backoffMs(int retry) {
        double b = Math.min((double) http.backoffMaxMs(), http.backoffInitialMs() * Math.pow(2, Math.min(retry, 40)));
        long half = (long) (b / 2);
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    /**
     * @param retry        0 for the first retry
     * @param retryAfterMs the server's Retry-After in ms, or empty
     * @return milliseconds to wait: a positive Retry-After plus up to 10% jitter, else {@link #backoffMs(int)}. A
     *         Retry-After of 0 or a date in the past still backs off: honouring it literally would retry at once,
     *         in lockstep with every other row that got it
     */
    public long delayMs(int retry, Optional<Long> retryAfterMs) {
        if (retryAfterMs.isPresent() && retryAfterMs.get() > 0) {
            long ra = retryAfterMs.get();
            return ra + ThreadLocalRandom.current().nextLong(ra / 10 + 1);
        }
        return backoffMs(retry);
    }

    /**
     * @param retryAfterMs the server's Retry-After in ms
     * @return true if it is longer than this policy waits for (an exhausted quota, not a burst)
     */
    public boolean tooLong(long retryAfterMs) {
        return retryAfterMs > http.retryAfterMaxS() * 1000.0;
    }

    /**
     * Reads the server's wait hint: {@code retry-after-ms} (OpenAI, Azure) or {@code Retry-After} as delta
     * seconds (fractions accepted) or an HTTP date.
     *
     * @param retryAfterMsHeader value of {@code retry-after-ms}, or null
     * @param retryAfterHeader   value of {@code Retry-After}, or null
     * @param now                the current time (for HTTP dates)
     * @return milliseconds to wait (>= 0), or empty when absent or unparseable
     */
    public static Optional<Long> parseRetryAfter(String retryAfterMsHeader, String retryAfterHeader, Instant now) {
        if (retryAfterMsHeader != null) {
            try {
                return Optional.of(Math.max(0L, (long) Math.ceil(Double.parseDouble(retryAfterMsHeader.trim()))));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        if (retryAfterHeader == null || retryAfterHeader.isBlank()) {
            return Optional.empty();
        }
        String v = retryAfterHeader.trim();
        try {
            double s = Double.parseDouble(v);
            return s >= 0 && Double.isFinite(s) ? Optional.of((long) Math.ceil(s * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(Math.max(0L, Duration.between(now, at).toMillis()));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
