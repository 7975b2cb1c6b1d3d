package io.kka.tune;

/**
 * The Adam optimiser (Kingma and Ba, ICLR 2015) over a flat parameter vector, minimising. Deterministic: plain
 * double arithmetic in a fixed order.
 */
public final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final double learningRate;
    private final double[] m;
    private final double[] v;
    private int t;

    private Adam(int n, double learningRate) {
        this.learningRate = learningRate;
        this.m = new double[n];
        this.v = new double[n];
    }

    /**
     * @param n            parameter count
     * @param learningRate step size, > 0
     * @return a fresh optimiser (β1 0.9, β2 0.999, ε 1e-8)
     */
    public static Adam of(int n, double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, found " + learningRate);
        }
        return new Adam(n, learningRate);
    }

    /**
     * One bias-corrected step against the gradient.
     *
     * @param theta parameters, updated in place
     * @param grad  gradient of the loss to minimise (same length)
     */
    public void step(double[] theta, double[] grad) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            theta[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }
}
