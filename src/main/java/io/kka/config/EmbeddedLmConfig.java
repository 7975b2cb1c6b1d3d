package io.kka.config;

/**
 * The embedded stand-in language model (not a real LLM; see README). Owned by the embedded-model code.
 *
 * @param knowledge knowledge corpus it is pre-trained on at start-up
 */
public record EmbeddedLmConfig(
        @Doc("knowledge corpus the embedded model is pre-trained on at start-up (one description per line)")
        String knowledge) implements java.io.Serializable {

    /** Validates. */
    public EmbeddedLmConfig {
        Check.notBlank("knowledge", knowledge);
    }

    /** @return defaults */
    public static EmbeddedLmConfig defaults() {
        return new EmbeddedLmConfig("conf/knowledge/fashion.txt");
    }
}
