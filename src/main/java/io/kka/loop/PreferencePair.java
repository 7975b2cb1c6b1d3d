package io.kka.loop;

import java.io.Serializable;
import java.util.List;

/**
 * One DPO preference: given the prompt built from the normal descriptions, prefer the hard anomaly's description
 * over the easy one's (Eq. 7).
 *
 * @param system   optional system message (null if none)
 * @param prompt   the user prompt (normal descriptions as examples)
 * @param chosen   description of a hard anomaly
 * @param rejected description of an easy anomaly
 * @param examples the normal descriptions the prompt was built from (the embedded model conditions on them)
 */
public record PreferencePair(String system, String prompt, String chosen, String rejected, List<String> examples)
        implements Serializable {
    /** Normalises the examples to an immutable list. */
    public PreferencePair {
        examples = examples == null ? List.of() : List.copyOf(examples);
    }
}
