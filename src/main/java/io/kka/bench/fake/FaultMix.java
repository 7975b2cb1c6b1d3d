package io.kka.bench.fake;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
 * @param more        probabilities of further faults (any kind, drawn after the six above, in enum order)
 */
public record FaultMix(long latencyMs, double p429, double retryAfterS, double p5xx, double pHang, long hangMs,
        double pMalformed, double pEmpty, double pTruncated, long seed, List<Fault> script, Map<Fault, Double> more) {

    /** Validates. */
    public FaultMix {
        if (latencyMs < 0 || hangMs < 0 || retryAfterS < 0) {
            throw new IllegalArgumentException("latency, hang and Retry-After must be >= 0");
        }
        Map<Fault, Double> m = new EnumMap<>(Fault.class);
        if (more != null) {
            m.putAll(more);
        }
        double sum = p429 + p5xx + pHang + pMalformed + pEmpty + pTruncated;
        boolean negative = p429 < 0 || p5xx < 0 || pHang < 0 || pMalformed < 0 || pEmpty < 0 || pTruncated < 0;
        for (Map.Entry<Fault, Double> e : m.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0 || e.getKey() == Fault.OK) {
                throw new IllegalArgumentException("fault probability of " + e.getKey() + " must be >= 0 (and OK is"
                        + " what is left), found " + e.getValue());
            }
            sum += e.getValue();
        }
        if (negative || sum > 1 + 1e-12) {
            throw new IllegalArgumentException("fault probabilities must be >= 0 and sum to <= 1, found " + sum);
        }
        script = script == null ? List.of() : List.copyOf(script);
        more = Collections.unmodifiableMap(m);
    }

    /**
     * The six field-backed faults only.
     *
     * @param latencyMs   delay before every reply, milliseconds
     * @param p429        probability of 429 with {@code Retry-After: retryAfterS}
     * @param retryAfterS the Retry-After sent with 429, seconds
     * @param p5xx        probability of 503
     * @param pHang       probability of a hang
     * @param hangMs      how long a hang lasts, milliseconds
     * @param pMalformed  probability of a 200 whose body is not JSON
     * @param pEmpty      probability of a 200 with no choices / no images
     * @param pTruncated  probability of a 200 whose base64 images are cut short
     * @param seed        seed of the fault draws
     * @param script      faults of the first hits of every key, in order
     */
    public FaultMix(long latencyMs, double p429, double retryAfterS, double p5xx, double pHang, long hangMs,
            double pMalformed, double pEmpty, double pTruncated, long seed, List<Fault> script) {
        this(latencyMs, p429, retryAfterS, p5xx, pHang, hangMs, pMalformed, pEmpty, pTruncated, seed, script,
                Map.of());
    }

    /**
     * The mix of {@code kka bench endpoints --faults}: 20% 429 with Retry-After in seconds, 10% 503, 5% hangs,
     * 5% bodies that are not JSON.
     *
     * @param latencyMs   delay before every reply
     * @param retryAfterS the Retry-After of the 429s, seconds
     * @param hangMs      how long a hang lasts
     * @param seed        seed of the fault draws
     * @return the standard mix
     */
    public static FaultMix standard(long latencyMs, double retryAfterS, long hangMs, long seed) {
        return new FaultMix(latencyMs, 0.20, retryAfterS, 0.10, 0.05, hangMs, 0.05, 0, 0, seed, List.of());
    }

    /**
     * The nastier mix of {@code kka bench endpoints --fault-mix nasty}: 36% of attempts fail in thirteen transient
     * ways. Rate limits: 5% 429 with Retry-After in seconds, 4% with an HTTP-date {@code retryAfterS} ahead, 2% with
     * an HTTP-date in the past. Server side: 3% 503 with a JSON error, 4% a proxy's HTML 502 page, 2% hangs past the
     * timeout, 2% connections dropped before a reply, 3% connections closed half-way through a 200 reply. Content
     * faults (HTTP 200): 3% a cut body, 2% {@code choices: []} / no images, 2% an {@code {"error": …}} object, 2%
     * truncated base64 images and 2% base64 that decodes to no image (both image endpoints only: a normal reply on
     * the chat endpoint). Refusals, 400s and quota errors are left out: they are not transient.
     *
     * @param latencyMs   delay before every reply
     * @param retryAfterS the Retry-After of the 429s, seconds (the HTTP-date ones round it up to whole seconds)
     * @param hangMs      how long a hang lasts
     * @param seed        seed of the fault draws
     * @return the nasty mix
     */
    public static FaultMix nasty(long latencyMs, double retryAfterS, long hangMs, long seed) {
        Map<Fault, Double> more = new EnumMap<>(Fault.class);
        more.put(Fault.RATE_LIMITED_DATE, 0.04);
        more.put(Fault.RATE_LIMITED_PAST_DATE, 0.02);
        more.put(Fault.HTML_502, 0.04);
        more.put(Fault.RESET, 0.02);
        more.put(Fault.RESET_MID_BODY, 0.03);
        more.put(Fault.ERROR_200, 0.02);
        more.put(Fault.UNDECODABLE, 0.02);
        return new FaultMix(latencyMs, 0.05, retryAfterS, 0.03, 0.02, hangMs, 0.03, 0.02, 0.02, seed, List.of(),
                more);
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
                List.of(faults), more);
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
        QUOTA,
        /** 429 whose Retry-After is an HTTP-date retryAfterS ahead (rounded up to whole seconds) */
        RATE_LIMITED_DATE,
        /** 429 whose Retry-After is an HTTP-date a minute in the past (the client must still back off) */
        RATE_LIMITED_PAST_DATE,
        /** 502 with a reverse proxy's HTML error page (text/html, not JSON) */
        HTML_502,
        /** a normal 200 reply whose connection is closed half-way through the body (Content-Length not reached) */
        RESET_MID_BODY,
        /** 200 whose images are valid base64 of bytes that are no image (a normal reply on the chat endpoint) */
        UNDECODABLE
    }
}
