package io.kka.tune;

/**
 * One DPO preference: under {@code prompt} the {@code chosen} completion (a hard anomaly's description) is
 * preferred to the {@code rejected} one (an easy anomaly's description).
 *
 * @param prompt   the conditioning text; for the embedded model, the normal examples the descriptions were
 *                 generated from (words it does not know are ignored, so a full prompt text works as well)
 * @param chosen   the preferred completion y_w
 * @param rejected the dispreferred completion y_l
 */
public record PreferencePair(String prompt, String chosen, String rejected) implements java.io.Serializable {
    /** Validates: all three are non-null, the completions non-blank. */
    public PreferencePair {
        if (prompt == null) {
            throw new IllegalArgumentException("preference pair: prompt must not be null");
        }
        if (chosen == null || chosen.isBlank() || rejected == null || rejected.isBlank()) {
            throw new IllegalArgumentException("preference pair: chosen and rejected must not be empty, found '"
                    + chosen + "' / '" + rejected + "'");
        }
    }
}
