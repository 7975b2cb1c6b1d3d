package io.kka.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation helpers for the compact constructors of config records. Each throws a {@link ConfigException}
 * naming the key, the rule and the value found.
 */
public final class Check {
    /** while {@link #recording} runs: record class → key → JSON Schema keywords of the checks it made */
    private static final ThreadLocal<Map<Class<?>, Map<String, Map<String, Object>>>> RECORDED = new ThreadLocal<>();

    private Check() {
    }

    /**
     * Runs {@code build} (which constructs config records) and returns, per record class, the bounds its compact
     * constructor checked, as JSON Schema keywords ({@code minimum}, {@code exclusiveMinimum}, {@code maximum},
     * {@code exclusiveMaximum}, {@code minLength}, {@code minItems}, and {@code notNull}). The schema generator
     * uses it, so that data-schemas/config.schema.json carries exactly the bounds the loader enforces.
     *
     * @param build constructs the records (e.g. the defaults)
     * @return the recorded keywords
     */
    static Map<Class<?>, Map<String, Map<String, Object>>> recording(Runnable build) {
        Map<Class<?>, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
        RECORDED.set(out);
        try {
            build.run();
        } finally {
            RECORDED.remove();
        }
        return out;
    }

    /** Records a check's schema keywords for the calling record's compact constructor, when recording. */
    private static void note(String key, Object... keywordsAndValues) {
        Map<Class<?>, Map<String, Map<String, Object>>> rec = RECORDED.get();
        if (rec == null) {
            return;
        }
        Class<?> owner = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass).filter(c -> c != Check.class && c.isRecord())
                .findFirst().orElse(null));
        if (owner == null) {
            return;
        }
        Map<String, Object> k = rec.computeIfAbsent(owner, c -> new LinkedHashMap<>()).computeIfAbsent(key,
                x -> new LinkedHashMap<>());
        for (int i = 0; i < keywordsAndValues.length; i += 2) {
            k.put((String) keywordsAndValues[i], keywordsAndValues[i + 1]);
        }
    }

    /**
     * Requires an http:// or https:// endpoint URL, and refuses to send an API key in clear: a key with a plain
     * {@code http://} URL is allowed only to a loopback host (a local server or tunnel), unless
     * {@code allowInsecureHttp}.
     *
     * @param baseUrl           the endpoint's {@code base_url}
     * @param apiKey            its key reference, or null
     * @param allowInsecureHttp the explicit opt-in ({@code http.allow_insecure_http} or
     *                          {@code tuning.allow_insecure_http})
     * @return the URL
     */
    public static String endpoint(String baseUrl, SecretRef apiKey, boolean allowInsecureHttp) {
        notBlank("base_url", baseUrl);
        if (!baseUrl.matches("(?i)https?://[^\\s/]+.*")) {
            throw new ConfigException("base_url", "must be an http:// or https:// URL", "'" + baseUrl + "'");
        }
        if (apiKey != null && !allowInsecureHttp && baseUrl.regionMatches(true, 0, "http://", 0, 7)
                && !loopback(baseUrl)) {
            throw new ConfigException("base_url", "would send the API key in clear over http:// to a host that is"
                    + " not loopback; use https://, or set allow_insecure_http: true if the network is trusted",
                    "'" + baseUrl + "'");
        }
        return baseUrl;
    }

    private static boolean loopback(String url) {
        String host;
        try {
            host = java.net.URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(java.util.Locale.ROOT);
        return host.equals("localhost") || host.matches("127(\\.\\d{1,3}){3}") || host.equals("[::1]")
                || host.equals("::1");
    }

    /** Requires {@code value >= min}. */
    public static int atLeast(String key, int value, int min) {
        note(key, "minimum", min);
        if (value < min) {
            throw new ConfigException(key, "must be >= " + min, String.valueOf(value));
        }
        return value;
    }

    /** Requires {@code value >= min}. */
    public static long atLeast(String key, long value, long min) {
        note(key, "minimum", min);
        if (value < min) {
            throw new ConfigException(key, "must be >= " + min, String.valueOf(value));
        }
        return value;
    }

    /** Requires {@code value >= min}. */
    public static double atLeast(String key, double value, double min) {
        note(key, "minimum", min);
        if (!(value >= min)) {
            throw new ConfigException(key, "must be >= " + min, String.valueOf(value));
        }
        return value;
    }

    /** Requires {@code value > 0} (and not NaN). */
    public static double positive(String key, double value) {
        note(key, "exclusiveMinimum", 0);
        if (!(value > 0)) {
            throw new ConfigException(key, "must be > 0", String.valueOf(value));
        }
        return value;
    }

    /** Requires {@code lo <= value <= hi}. */
    public static double inRange(String key, double value, double lo, double hi) {
        note(key, "minimum", lo, "maximum", hi);
        if (!(value >= lo && value <= hi)) {
            throw new ConfigException(key, "must be in [" + lo + ", " + hi + "]", String.valueOf(value));
        }
        return value;
    }

    /** Requires {@code lo < value < hi} (open interval). */
    public static double inOpenRange(String key, double value, double lo, double hi) {
        note(key, "exclusiveMinimum", lo, "exclusiveMaximum", hi);
        if (!(value > lo && value < hi)) {
            throw new ConfigException(key, "must be in (" + lo + ", " + hi + ")", String.valueOf(value));
        }
        return value;
    }

    /** Requires a non-null, non-blank string. */
    public static String notBlank(String key, String value) {
        note(key, "notNull", true, "minLength", 1);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "must not be empty", value == null ? "null" : "'" + value + "'");
        }
        return value;
    }

    /** Requires a non-null value. */
    public static <T> T notNull(String key, T value) {
        note(key, "notNull", true);
        if (value == null) {
            throw new ConfigException(key, "must be set", "null");
        }
        return value;
    }

    /** Requires a non-empty collection; returns an immutable copy. */
    public static <T> List<T> notEmpty(String key, Collection<T> value) {
        note(key, "notNull", true, "minItems", 1);
        if (value == null || value.isEmpty()) {
            throw new ConfigException(key, "must not be empty", value == null ? "null" : "[]");
        }
        return List.copyOf(value);
    }

    /** Requires every element to be strictly greater than the previous one and >= 0. */
    public static List<Integer> increasing(String key, List<Integer> value) {
        note(key, "notNull", true, "itemsMinimum", 0);
        int previous = -1;
        for (Integer v : value) {
            if (v == null || v <= previous) {
                throw new ConfigException(key, "must be strictly increasing non-negative integers", value.toString());
            }
            previous = v;
        }
        return List.copyOf(value);
    }
}
