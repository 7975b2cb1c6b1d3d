package io.kka.config;

import java.util.List;

/**
 * The embedded weight-free image generator (a stand-in; see README): a bank of auxiliary training images matched
 * to descriptions through a lexicon, with seeded augmentation. Owned by the embedded-model code.
 *
 * @param excludeClasses  classes the generator must not know, so that part of the test anomalies stay unknown
 *                        (default none; names must be lexicon classes)
 * @param lexicon         file mapping description words to bank classes (default
 *                        conf/knowledge/fashion-lexicon.txt)
 * @param attributes      file mapping description words to the image operations that make the drawing follow the
 *                        text (default conf/knowledge/fashion-attributes.txt)
 * @param maxShift        largest random shift, pixels, 0–16 (default 2)
 * @param flipProbability probability of a horizontal flip, 0–1 (default 0.5)
 * @param brightness      largest brightness gain change, fraction, 0–1 (default 0.1)
 * @param contrast        largest gamma change, fraction, 0–0.9 (default 0.15)
 * @param scale           largest relative zoom in or out, 0–0.5 (default 0.08)
 */
public record EmbeddedImageConfig(
        @Doc("classes the embedded generator must not know, so that part of the test anomalies stay unknown to it")
        List<String> excludeClasses,
        @Doc("lexicon mapping description words to bank classes (\"Class: phrase, phrase\"; \"-\" lists items that"
                + " are not in the bank); local path or Hadoop FS URI") String lexicon,
        @Doc("attribute grammar mapping description words (dark, long, striped, short sleeves, ...) to the image"
                + " operations that make the drawing follow the text (\"operation: phrase, phrase\"); local path or"
                + " Hadoop FS URI") String attributes,
        @Doc("augmentation: largest random shift, pixels") int maxShift,
        @Doc("augmentation: probability of a horizontal flip") double flipProbability,
        @Doc("augmentation: largest brightness change, as a relative gain (black stays black)") double brightness,
        @Doc("augmentation: largest relative contrast change, as a gamma change (black stays black)") double contrast,
        @Doc("augmentation: largest relative zoom in or out") double scale) implements java.io.Serializable {

    /** Validates. */
    public EmbeddedImageConfig {
        excludeClasses = excludeClasses == null ? List.of() : List.copyOf(excludeClasses);
        Check.notBlank("lexicon", lexicon);
        Check.notBlank("attributes", attributes);
        Check.inRange("max_shift", maxShift, 0, 16);
        Check.inRange("flip_probability", flipProbability, 0.0, 1.0);
        Check.inRange("brightness", brightness, 0.0, 1.0);
        Check.inRange("contrast", contrast, 0.0, 0.9);
        Check.inRange("scale", scale, 0.0, 0.5);
    }

    /**
     * @param excludeClasses classes the generator must not know; every other setting at its default
     */
    public EmbeddedImageConfig(List<String> excludeClasses) {
        this(excludeClasses, "conf/knowledge/fashion-lexicon.txt", "conf/knowledge/fashion-attributes.txt", 2, 0.5,
                0.1, 0.15, 0.08);
    }

    /** @return defaults */
    public static EmbeddedImageConfig defaults() {
        return new EmbeddedImageConfig(List.of());
    }
}
