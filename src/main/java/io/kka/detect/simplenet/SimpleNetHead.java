package io.kka.detect.simplenet;

import java.io.Serializable;
import java.util.Random;

/**
 * The trainable part of SimpleNet on d-dimensional features, as plain arrays: the feature adaptor (SimpleNet's
 * {@code pre_projection}, one linear layer u = A z + b) and the discriminator (linear h×d → batch norm → leaky
 * ReLU 0.2 → linear h → 1 logit). The first linear layer has no bias because batch norm subtracts it; the last
 * has none, as in SimpleNet. Inference uses batch norm's running statistics.
 *
 * <p>All trainable parameters live in one flat vector {@link #params} (adaptor first: A row-major, b; then W1
 * row-major, γ, β, w2), so that optimiser state and parameter averaging are loops over one array.
 */
final class SimpleNetHead implements Serializable {
    private static final long serialVersionUID = 1L;
    /** slope of the leaky ReLU (SimpleNet's LeakyReLU(0.2)) */
    static final double LEAK = 0.2;
    /** batch norm ε (PyTorch's default) */
    static final double BN_EPS = 1e-5;
    /** weight of a batch's statistics in the running ones (PyTorch's momentum 0.1) */
    static final double BN_MOMENTUM = 0.1;

    final int d;
    final int h;
    final double[] params;
    final double[] runMean;
    final double[] runVar;

    SimpleNetHead(int d, int h, double[] params, double[] runMean, double[] runVar) {
        if (params.length != size(d, h) || runMean.length != h || runVar.length != h) {
            throw new IllegalArgumentException("a SimpleNet head of d=" + d + ", h=" + h + " needs " + size(d, h)
                    + " parameters and " + h + " running statistics, found " + params.length + ", "
                    + runMean.length + ", " + runVar.length);
        }
        this.d = d;
        this.h = h;
        this.params = params;
        this.runMean = runMean;
        this.runVar = runVar;
    }

    /** @return the number of trainable parameters */
    static int size(int d, int h) {
        return d * d + d + h * d + 3 * h;
    }

    /**
     * SimpleNet's initialisation: Xavier-normal weights, the adaptor's bias uniform in ±1/√d (PyTorch's default for
     * a linear layer), γ = 1, β = 0, running mean 0 and variance 1.
     *
     * @param d    feature size
     * @param h    hidden units
     * @param seed seed
     * @return a fresh head
     */
    static SimpleNetHead init(int d, int h, long seed) {
        Random rnd = new Random(seed);
        SimpleNetHead n = new SimpleNetHead(d, h, new double[size(d, h)], new double[h], new double[h]);
        double sa = Math.sqrt(2.0 / (d + d));
        for (int i = 0; i < d * d; i++) {
            n.params[i] = rnd.nextGaussian() * sa;
        }
        double bound = 1 / Math.sqrt(d);
        for (int i = 0; i < d; i++) {
            n.params[n.bias() + i] = (2 * rnd.nextDouble() - 1) * bound;
        }
        double s1 = Math.sqrt(2.0 / (d + h));
        for (int i = 0; i < h * d; i++) {
            n.params[n.w1() + i] = rnd.nextGaussian() * s1;
        }
        double s2 = Math.sqrt(2.0 / (h + 1));
        for (int k = 0; k < h; k++) {
            n.params[n.gamma() + k] = 1;
            n.params[n.w2() + k] = rnd.nextGaussian() * s2;
            n.runVar[k] = 1;
        }
        return n;
    }

    /** @return a deep copy */
    SimpleNetHead copy() {
        return new SimpleNetHead(d, h, params.clone(), runMean.clone(), runVar.clone());
    }

    /** @return offset of the adaptor's bias b (A starts at 0) */
    int bias() {
        return d * d;
    }

    /** @return the adaptor's parameter count: parameters below it are the adaptor's, the rest the discriminator's */
    int adaptorSize() {
        return d * d + d;
    }

    /** @return offset of W1 */
    int w1() {
        return adaptorSize();
    }

    /** @return offset of γ */
    int gamma() {
        return w1() + h * d;
    }

    /** @return offset of β */
    int beta() {
        return gamma() + h;
    }

    /** @return offset of w2 */
    int w2() {
        return beta() + h;
    }

    /**
     * @param z a feature vector (length d)
     * @return the adapted feature u = A z + b
     */
    double[] adapt(double[] z) {
        double[] u = new double[d];
        for (int o = 0; o < d; o++) {
            double s = params[bias() + o];
            int row = o * d;
            for (int j = 0; j < d; j++) {
                s += params[row + j] * z[j];
            }
            u[o] = s;
        }
        return u;
    }

    /**
     * The discriminator in inference mode (running batch-norm statistics).
     *
     * @param u an adapted feature
     * @return its logit: high for normal
     */
    double logit(double[] u) {
        double s = 0;
        for (int k = 0; k < h; k++) {
            double a = 0;
            int row = w1() + k * d;
            for (int j = 0; j < d; j++) {
                a += params[row + j] * u[j];
            }
            double y = params[gamma() + k] * (a - runMean[k]) / Math.sqrt(runVar[k] + BN_EPS) + params[beta() + k];
            s += params[w2() + k] * (y > 0 ? y : LEAK * y);
        }
        return s;
    }
}
