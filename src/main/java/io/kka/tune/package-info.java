/**
 * Eq. 7 of the paper: Direct Preference Optimization (Rafailov et al., NeurIPS 2023) of a language model towards
 * hard anomaly descriptions. {@link io.kka.tune.DpoTuner} runs the exact DPO loss with a frozen reference copy on
 * any {@link io.kka.tune.TunableModel} that exposes exact log-probabilities and their gradients (the embedded
 * stand-in language model does); {@link io.kka.tune.DpoLoss} holds the loss and its derivative,
 * {@link io.kka.tune.Adam} the optimiser.
 *
 * <p>The loop's tuners live here too, behind {@link io.kka.tune.Tuner}: {@link io.kka.tune.EmbeddedTuner} (DPO on
 * the embedded model), {@link io.kka.tune.OpenAiDpoTuner} (OpenAI's fine-tuning API with method {@code dpo}, over
 * {@link io.kka.tune.JsonHttp}) and {@link io.kka.tune.CommandTuner} (a user's TRL or other command). They all take
 * the one {@link io.kka.tune.PreferencePair} the loop builds, written for external trainers by
 * {@link io.kka.tune.PairsWriter}; {@link io.kka.tune.ModelRef} names the model a tuner returns.
 */
package io.kka.tune;
