package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.HttpConfig;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tests for {@link RetryPolicy}. */
class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void classifiesStatuses() {
        for (int s : new int[] {408, 429, 500, 502, 503, 504, 599}) {
            assertTrue(RetryPolicy.retryable(s), "retry " + s);
        }
        for (int s : new int[] {400, 401, 403, 404, 409, 413, 422}) {
            assertFalse(RetryPolicy.retryable(s), "no retry " + s);
        }
    }

    @Test
    void parsesRetryAfterInSecondsDatesAndMilliseconds() {
        assertEquals(Optional.of(2000L), RetryPolicy.parseRetryAfter(null, "2", NOW));
        assertEquals(Optional.of(1500L), RetryPolicy.parseRetryAfter(null, " 1.5 ", NOW));
        assertEquals(Optional.of(30_000L), RetryPolicy.parseRetryAfter(null, "Wed, 01 Jan 2025 12:00:30 GMT", NOW));
        assertEquals(Optional.of(0L), RetryPolicy.parseRetryAfter(null, "Wed, 01 Jan 2025 11:00:00 GMT", NOW));
        assertEquals(Optional.of(250L), RetryPolicy.parseRetryAfter("250", "9", NOW));
        assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter(null, "soon", NOW));
        assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter(null, "-3", NOW));
        assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter(null, null, NOW));
    }

    @Test
    void backoffDoublesIsCappedAndJittered() {
        RetryPolicy p = new RetryPolicy(new HttpConfig(1, 0, 0, 1, 3, 100, 1000, 0, false));
        for (int i = 0; i < 200; i++) {
            long b0 = p.backoffMs(0);
            long b2 = p.backoffMs(2);
            long b9 = p.backoffMs(9);
            assertTrue(b0 >= 50 && b0 <= 100, "retry 0: " + b0);
            assertTrue(b2 >= 200 && b2 <= 400, "retry 2: " + b2);
            assertTrue(b9 >= 500 && b9 <= 1000, "retry 9 is capped: " + b9);
            long ra = p.delayMs(0, Optional.of(1000L));
            assertTrue(ra >= 1000 && ra <= 1100, "Retry-After plus at most 10%: " + ra);
        }
        Instant now = Instant.parse("2025-01-01T12:00:00Z");
        for (int i = 0; i < 200; i++) {
            long zero = p.delayMs(2, Optional.of(0L));
            assertTrue(zero >= 200 && zero <= 400, "Retry-After: 0 still backs off: " + zero);
            long past = p.delayMs(0, RetryPolicy.parseRetryAfter(null, "Wed, 01 Jan 2025 11:00:00 GMT", now));
            assertTrue(past >= 50 && past <= 100, "a Retry-After date in the past still backs off: " + past);
        }
        assertTrue(p.tooLong(301_000));
        assertFalse(p.tooLong(300_000));
    }
}
