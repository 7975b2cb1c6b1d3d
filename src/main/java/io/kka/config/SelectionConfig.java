package io.kka.config;

/**
 * Eq. 6 (hard/easy split), preference pairs and the anomaly-set size.
 *
 * @param threshold        how validation-normal scores set the hard threshold
 * @param quantile         quantile of validation-normal scores when {@code threshold} is quantile
 * @param pairsPerIteration preference pairs written per iteration (at most)
 * @param anomalySetSize   size of the anomaly set in replace mode (0: the size of the first generation)
 */
public record SelectionConfig(
        @Doc("hard threshold from held-out validation normals: max (the paper) or quantile") ThresholdRule threshold,
        @Doc("quantile of validation-normal scores when threshold is quantile") double quantile,
        @Doc("preference pairs (hard chosen, easy rejected) written per iteration, at most") int pairsPerIteration,
        @Doc("anomaly-set size in replace mode; 0 keeps the size of the first generation") int anomalySetSize) implements java.io.Serializable {

    /** Validates. */
    public SelectionConfig {
        Check.notNull("threshold", threshold);
        Check.inOpenRange("quantile", quantile, 0.0, 1.0);
        Check.atLeast("pairs_per_iteration", pairsPerIteration, 1);
        Check.atLeast("anomaly_set_size", anomalySetSize, 0);
    }

    /** @return defaults */
    public static SelectionConfig defaults() {
        return new SelectionConfig(ThresholdRule.MAX, 0.95, 256, 0);
    }

    /** Threshold rules. */
    public enum ThresholdRule {
        /** maximum score of the validation normals (the paper's rule, on held-out data) */
        MAX,
        /** a quantile of the validation-normal scores */
        QUANTILE
    }
}
