package io.kka.loop;

import java.io.Serializable;

/**
 * One DPO preference: given the prompt built from the normal descriptions, prefer the hard anomaly's description
 * over the easy one's (Eq. 7).
 *
 * @param system   optional system message (null if none)
 * @param prompt   the user prompt (normal descriptions as examples)
 * @param chosen   description of a hard anomaly
 * @param rejected description of an easy anomaly
 */
public record PreferencePair(String system, String prompt, String chosen, String rejected) implements Serializable {
}
