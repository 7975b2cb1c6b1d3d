package io.kka.tune;

/**
 * The outcome of {@link DpoTuner#tune}.
 *
 * @param model  the tuned policy (a new model; the inputs are unchanged)
 * @param report losses and margins
 * @param <M>    model type
 */
public record DpoResult<M extends TunableModel<M>>(M model, DpoReport report) {
}
