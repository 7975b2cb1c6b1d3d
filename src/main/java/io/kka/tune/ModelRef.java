package io.kka.tune;

import java.io.Serializable;

/**
 * Which language model generates the next iteration's descriptions: embedded weights at a URI, or a model name
 * served by an endpoint (a fine-tuned OpenAI model, a vLLM LoRA adapter).
 *
 * @param kind {@code embedded} or {@code name}
 * @param ref  the weights' path relative to the run directory (embedded), or the model name
 */
public record ModelRef(String kind, String ref) implements Serializable {
    /** kind of embedded weights */
    public static final String EMBEDDED = "embedded";
    /** kind of a served model name */
    public static final String NAME = "name";

    /** @return a served model name */
    public static ModelRef name(String name) {
        return new ModelRef(NAME, name);
    }

    /** @return embedded weights at a run-relative path */
    public static ModelRef embedded(String runRelativePath) {
        return new ModelRef(EMBEDDED, runRelativePath);
    }
}
