package io.kka.tune;

import java.util.List;

/**
 * The DPO loss of Eq. 7 for one pair, with z = β[(log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) −
 * log π_ref(y_l|x))]: loss = −log σ(z) = log(1 + e^−z), computed stably, and its exact gradient
 * ∂loss/∂θ = (σ(z) − 1) β (∇θ log π(y_w|x) − ∇θ log π(y_l|x)). The reference terms are constants (the reference
 * model is frozen), so they are passed in precomputed.
 */
public final class DpoLoss {
    private final double beta;

    private DpoLoss(double beta) {
        this.beta = beta;
    }

    /**
     * @param beta DPO β, > 0 (the paper's reference code uses 0.1)
     * @return the loss
     */
    public static DpoLoss of(double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("DPO beta must be > 0, found " + beta);
        }
        return new DpoLoss(beta);
    }

    /**
     * A pair with its frozen reference log-probabilities.
     *
     * @param pair      the preference
     * @param refChosen log π_ref(y_w|x)
     * @param refRejected log π_ref(y_l|x)
     */
    public record Scored(PreferencePair pair, double refChosen, double refRejected) {
    }

    /** @return the implicit reward margin z = β[(lp_w − ref_w) − (lp_l − ref_l)] */
    public double margin(double chosen, double refChosen, double rejected, double refRejected) {
        return beta * ((chosen - refChosen) - (rejected - refRejected));
    }

    /** @return −log σ(z), stable for large |z| */
    public static double lossOfMargin(double z) {
        return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    }

    /**
     * Mean loss over a batch, and its gradient added to {@code grad} (already divided by the batch size).
     *
     * @param policy the model being tuned
     * @param batch  pairs with reference log-probabilities
     * @param grad   gradient accumulator (length = parameter count); may be null for the loss alone
     * @param <M>    model type
     * @return {mean loss, mean margin}
     */
    public <M extends TunableModel<M>> double[] batch(M policy, List<Scored> batch, double[] grad) {
        double loss = 0;
        double margin = 0;
        for (Scored s : batch) {
            PreferencePair p = s.pair();
            double w = policy.logProb(p.conditioning(), p.chosen());
            double l = policy.logProb(p.conditioning(), p.rejected());
            double z = margin(w, s.refChosen(), l, s.refRejected());
            loss += lossOfMargin(z);
            margin += z;
            if (grad != null) {
                // d(−log σ(z))/dz = σ(z) − 1 = −σ(−z)
                double dz = -1.0 / (1.0 + Math.exp(z));
                double scale = dz * beta / batch.size();
                policy.addLogProbGradient(p.conditioning(), p.chosen(), scale, grad);
                policy.addLogProbGradient(p.conditioning(), p.rejected(), -scale, grad);
            }
        }
        return new double[] {loss / batch.size(), margin / batch.size()};
    }
}
