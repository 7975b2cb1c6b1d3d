/**
 * The KKA loop (Algorithm 1): hard-anomaly selection (Eq. 6), preference pairs and tuners (Eq. 7), regeneration
 * and add/replace updates of the anomaly set (Eq. 8), checkpoints and resume.
 */
package io.kka.loop;
