package io.kka.bench.fake;

import java.util.List;

/**
 * What the fake server does to each request: a fixed latency, then either a normal reply or a fault.
 *
 * <p>The first hits of every request key follow {@code script} (hit 0 gets script[0], …); later hits draw a
 * fault with the given probabilities from a hash of (seed, key, hit number), so a rerun sees the same faults in
 * the same order whatever the arrival order.
 *
 * @param latencyMs   delay before every reply, milliseconds
 * @param p429        probability of 429 with {@code Retry-After: retryAfterS}
 * @param retryAfterS the Retry-After sent with 429, seconds
 * @param p5xx        probability of 503
 * @param pHang       probability of hanging {@code hangMs} and then dropping the connection without a reply
 * @param hangMs      how long a hang lasts, milliseconds (set it past the client's timeout)
 * @param pMalformed  probability of a 200 whose body is not JSON
 * @param pEmpty      probability of a 200 with no choices / no images
 * @param pTruncated  probability of a 200 whose base64 images are cut short (image endpoints)
 * @param seed        seed of the fault draws
 * @param script      faults of the first hits of every key, in order
 */
public record FaultMix(long latencyMs, double p429, double retryAfterS, double p5xx, double pHang, long hangMs,
        double pMalformed, double pEmpty, double pTruncated, long seed, List<Fault> script) {

    /** Validates. */
    public FaultMix {
        if (latencyMs < 0 || hangMs < 0 || retryAfterS < 0) {
            throw new IllegalArgumentException("latency, hang and Retry-After must be >= 0");
        }
        double sum = p429 + p5xx + pHang + pMalformed + pEmpty + pTruncated;
        if (p429 < 0 || p5xx < 0 || pHang < 0 || pMalformed < 0 || pEmpty < 0 || pTruncated < 0 || sum > 1) {
            throw new IllegalArgumentException("fault probabilities must be >= 0 and sum to <= 1, found " + sum);
        }
        script = script == null ? List.of() : List.copyOf(script);
    }

    /** @return no latency, no faults */
    public static FaultMix none() {
        return latency(0);
    }

    /**
     * @param latencyMs delay before every reply
     * @return no faults
     */
    public static FaultMix latency(long latencyMs) {
        return new FaultMix(latencyMs, 0, 1, 0, 0, 0, 0, 0, 0, 1L, List.of());
    }

    /**
     * @param faults the first hits of every key
     * @return a copy with this script
     */
    public FaultMix withScript(Fault... faults) {
        return new FaultMix(latencyMs, p429, retryAfterS, p5xx, pHang, hangMs, pMalformed, pEmpty, pTruncated, seed,
                List.of(faults));
    }

    /** What one hit gets. */
    public enum Fault {
        /** a normal reply */
        OK,
        /** 429 with Retry-After */
        RATE_LIMITED,
        /** 503 */
        SERVER_ERROR,
        /** no reply for hangMs, then the connection is dropped */
        HANG,
        /** 200 with a body that is not JSON */
        MALFORMED,
        /** 200 with an empty choices / images list */
        EMPTY,
        /** 200 with truncated base64 images (a normal reply on the chat endpoint) */
        TRUNCATED,
        /** 400 with an OpenAI-style error body */
        BAD_REQUEST,
        /** the connection is dropped at once, without a reply */
        RESET,
        /** 200 whose images declare 32000x32000 pixels in a small file (a decompression bomb; image endpoints) */
        BOMB,
        /** 200 whose body is an OpenAI-style {@code {"error": …}} object */
        ERROR_200,
        /** 200 whose only choice has null content and finish_reason content_filter (chat endpoint) */
        CONTENT_FILTER,
        /** 429 insufficient_quota without Retry-After, as OpenAI answers an exhausted quota */
        QUOTA
    }
}
