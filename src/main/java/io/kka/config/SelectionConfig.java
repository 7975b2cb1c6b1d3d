package io.kka.config;

/**
 * Eq. 6 (hard/easy split), the anomaly-set update, preference pairs and the Eq. 8 measurement.
 *
 * @param threshold         how validation-normal scores set the hard threshold (default quantile)
 * @param quantile          quantile of validation-normal scores when {@code threshold} is quantile (default 0.95)
 * @param pairsPerIteration preference pairs written per iteration (at most)
 * @param anomalySetSize    size of the anomaly set in replace mode (0: the size of the first generation)
 * @param update            which new anomalies enter the set: the hard ones (KKA) or random ones (an ablation)
 * @param spread            how the new anomalies that enter the set are chosen among the candidates: round-robin
 *                          over their class (so the set keeps its variety) or at random
 * @param maxReplaceFraction in replace mode, the most of the set one iteration may replace (the set changes
 *                          gradually, as the paper's hard proportion rises over several iterations)
 * @param heldOutFraction   share of the first generation kept out of A_0 (seeded), so that E_0's preference labels,
 *                          like every later E_t's, come from anomalies it did not train on
 * @param dpoEffect         measure Eq. 8 in every iteration t ≥ 1: regenerate this iteration's prompts with the
 *                          model before its DPO and judge both generations with the same held-out evaluator (costs
 *                          one more generation per iteration on HTTP providers)
 */
public record SelectionConfig(
        @Doc("hard threshold from held-out validation normals: quantile (default; its meaning does not depend on how"
                + " many validation normals there are) or max (the paper)") ThresholdRule threshold,
        @Doc("quantile of validation-normal scores when threshold is quantile: an anomaly is hard if the evaluator"
                + " scores it more normal than this fraction of held-out normals") double quantile,
        @Doc("preference pairs (hard chosen, easy rejected) written per iteration, at most") int pairsPerIteration,
        @Doc("anomaly-set size in replace mode; 0 keeps the size of the first generation") int anomalySetSize,
        @Doc("which new anomalies enter the set: hard (KKA) or random (ablation: the same number of random new"
                + " anomalies replace random members)") UpdateRule update,
        @Doc("how the set changes: class (entering anomalies round-robin over their class_name, leaving members"
                + " taken from the most numerous classes first, so that one class cannot crowd out the others; rows"
                + " without a class form one group) or random (the paper)") Spread spread,
        @Doc("replace mode: the largest share of the anomaly set one iteration may replace (1 = no limit)")
        double maxReplaceFraction,
        @Doc("share of the first generation kept out of A_0 (seeded by sample id): E_0 labels those for DPO, so that"
                + " every preference pair comes from anomalies the labelling evaluator did not train on")
        double heldOutFraction,
        @Doc("measure Eq. 8 every iteration t >= 1: this iteration's prompts and seeds sampled from the model before"
                + " and after its DPO, both judged by the previous evaluator (one more generation per iteration)")
        boolean dpoEffect) implements java.io.Serializable {

    /** Validates. */
    public SelectionConfig {
        Check.notNull("threshold", threshold);
        Check.inOpenRange("quantile", quantile, 0.0, 1.0);
        Check.atLeast("pairs_per_iteration", pairsPerIteration, 1);
        Check.atLeast("anomaly_set_size", anomalySetSize, 0);
        Check.notNull("update", update);
        Check.notNull("spread", spread);
        Check.inOpenRange("held_out_fraction", heldOutFraction, 0.0, 1.0);
        Check.inRange("max_replace_fraction", maxReplaceFraction, 0.0, 1.0);
    }

    /**
     * @param threshold         threshold rule
     * @param quantile          quantile
     * @param pairsPerIteration pairs per iteration
     * @param anomalySetSize    anomaly-set size
     */
    public SelectionConfig(ThresholdRule threshold, double quantile, int pairsPerIteration, int anomalySetSize) {
        this(threshold, quantile, pairsPerIteration, anomalySetSize, UpdateRule.HARD, Spread.CLASS, 0.25, 0.3, true);
    }

    /** @return defaults */
    public static SelectionConfig defaults() {
        return new SelectionConfig(ThresholdRule.QUANTILE, 0.95, 256, 0);
    }

    /** Threshold rules. */
    public enum ThresholdRule {
        /** maximum score of the validation normals (the paper's rule, on held-out data) */
        MAX,
        /** a quantile of the validation-normal scores */
        QUANTILE
    }

    /** How the entering anomalies are chosen among the candidates. */
    public enum Spread {
        /** round-robin over class_name, seeded within each class */
        CLASS,
        /** seeded random */
        RANDOM
    }

    /** Which new anomalies enter the set. */
    public enum UpdateRule {
        /** the new hard anomalies (KKA) */
        HARD,
        /** random new anomalies, as many as KKA would take (an ablation) */
        RANDOM
    }
}
