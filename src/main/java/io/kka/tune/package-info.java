/**
 * Eq. 7 of the paper: Direct Preference Optimization (Rafailov et al., NeurIPS 2023) of a language model towards
 * hard anomaly descriptions. {@link io.kka.tune.DpoTuner} runs the exact DPO loss with a frozen reference copy on
 * any {@link io.kka.tune.TunableModel} that exposes exact log-probabilities and their gradients (the embedded
 * stand-in language model does); {@link io.kka.tune.DpoLoss} holds the loss and its derivative,
 * {@link io.kka.tune.Adam} the optimiser.
 */
package io.kka.tune;
