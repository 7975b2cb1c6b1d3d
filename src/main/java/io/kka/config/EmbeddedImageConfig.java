package io.kka.config;

import java.util.List;

/**
 * The embedded weight-free image generator (a stand-in; see README). Owned by the embedded-model code.
 *
 * @param excludeClasses classes the generator must not know, so that part of the test anomalies stay unknown
 */
public record EmbeddedImageConfig(
        @Doc("classes the embedded generator must not know, so that part of the test anomalies stay unknown to it")
        List<String> excludeClasses) implements java.io.Serializable {

    /** Validates. */
    public EmbeddedImageConfig {
        excludeClasses = excludeClasses == null ? List.of() : List.copyOf(excludeClasses);
    }

    /** @return defaults */
    public static EmbeddedImageConfig defaults() {
        return new EmbeddedImageConfig(List.of());
    }
}
