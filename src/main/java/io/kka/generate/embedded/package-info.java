/**
 * Embedded stand-ins for the two generative models of KKA, so that the whole loop runs offline on one machine.
 * They are NOT a large language model and NOT a text-to-image model; real runs use the HTTP providers.
 *
 * <ul>
 *   <li>{@link io.kka.generate.embedded.EmbeddedLanguageModel}: a small neural n-gram language model over a word
 *       vocabulary, pre-trained at start-up on a knowledge corpus ({@code conf/knowledge/}), conditioned on the
 *       prompt's normal examples, with exact log-probabilities and gradients so that DPO (Eq. 7) really tunes
 *       it; {@link io.kka.generate.embedded.EmbeddedDescriptionGenerator} runs it on Spark partitions (Eq. 3).</li>
 *   <li>{@link io.kka.generate.embedded.EmbeddedImageRenderer}: a weight-free "renderer" (Eq. 4) that matches a
 *       description to a class through a lexicon and returns a seeded augmentation of a labelled bank image
 *       drawn only from the auxiliary rows of the samples table (training images of other classes).</li>
 * </ul>
 */
package io.kka.generate.embedded;
