package io.kka.tune;

/**
 * A language model whose parameters can be tuned by gradient steps: it gives the exact log-probability
 * log π(y|x) of a completion y under a prompt x, and its gradient with respect to every parameter.
 *
 * <p>Implementations are immutable: {@link #withParameters} returns a new model, so a reference copy handed to
 * the tuner can never be changed by it.
 *
 * @param <M> the implementing type
 */
public interface TunableModel<M extends TunableModel<M>> {
    /** @return the number of parameters */
    int parameterCount();

    /** @return a copy of the parameter vector (length {@link #parameterCount()}) */
    double[] parameters();

    /**
     * @param theta a parameter vector of length {@link #parameterCount()} (copied)
     * @return a model with the same structure and these parameters
     */
    M withParameters(double[] theta);

    /**
     * @param prompt     the conditioning text x
     * @param completion the completion y
     * @return log π(y|x), natural log, including the end of the completion
     */
    double logProb(String prompt, String completion);

    /**
     * Adds {@code scale · ∇θ log π(y|x)} to {@code grad}.
     *
     * @param prompt     the conditioning text x
     * @param completion the completion y
     * @param scale      factor applied to the gradient before it is added
     * @param grad       accumulator of length {@link #parameterCount()}
     * @return log π(y|x), as {@link #logProb}
     */
    double addLogProbGradient(String prompt, String completion, double scale, double[] grad);
}
