package io.kka.tune;

import java.io.Serializable;
import java.util.List;

/**
 * One DPO preference (Eq. 7): under the prompt built from the normal descriptions, the {@code chosen} completion
 * (a hard anomaly's description) is preferred to the {@code rejected} one (an easy anomaly's description). The
 * loop builds it, the TRL/OpenAI pair files carry {@code system}, {@code prompt}, {@code chosen} and
 * {@code rejected}, and the embedded tuner conditions on {@link #conditioning()}.
 *
 * @param system   optional system message (null if none)
 * @param prompt   the user prompt (the normal descriptions as examples)
 * @param chosen   the preferred completion y_w
 * @param rejected the dispreferred completion y_l
 * @param examples the normal descriptions the prompt was built from (empty if unknown)
 */
public record PreferencePair(String system, String prompt, String chosen, String rejected, List<String> examples)
        implements Serializable {
    /** Validates: the prompt is non-null, the completions non-blank; normalises the examples to an immutable list. */
    public PreferencePair {
        if (prompt == null) {
            throw new IllegalArgumentException("preference pair: prompt must not be null");
        }
        if (chosen == null || chosen.isBlank() || rejected == null || rejected.isBlank()) {
            throw new IllegalArgumentException("preference pair: chosen and rejected must not be empty, found '"
                    + chosen + "' / '" + rejected + "'");
        }
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /**
     * A pair whose conditioning is the prompt text itself (no system message, no examples).
     *
     * @return the pair
     */
    public static PreferencePair of(String prompt, String chosen, String rejected) {
        return new PreferencePair(null, prompt, chosen, rejected, List.of());
    }

    /**
     * @return what the embedded model conditions on: its own prompt form of the examples when known (words it does
     *         not know are ignored, so the full prompt text works as well), else the prompt
     */
    public String conditioning() {
        return examples.isEmpty() ? prompt : io.kka.generate.embedded.EmbeddedLanguageModel.promptOf(examples);
    }
}
