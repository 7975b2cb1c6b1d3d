/**
 * Generation of anomalies (Eq. 2–4): representative normals, prompts, the stage seams
 * {@link io.kka.generate.DescriptionGenerator} and {@link io.kka.generate.ImageRenderer}, reply parsing; HTTP
 * implementations in {@code http}, embedded stand-ins in {@code embedded}.
 */
package io.kka.generate;
