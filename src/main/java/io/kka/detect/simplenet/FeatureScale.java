package io.kka.detect.simplenet;

import java.io.Serializable;

/**
 * How encoder features are standardised before the adaptor: z = (φ(x) − μ) / s, μ the training normals' mean and
 * s their RMS spread (the root of the mean per-dimension variance). One scalar, not one per dimension, so the
 * shape of the normals' cloud is kept: directions in which the normals barely vary stay thin, and the isotropic
 * noise leaves the cloud there, which is what SimpleNet's noise relies on. It makes {@code noise_std} a fraction of
 * the normals' spread whatever the encoder's output scale.
 *
 * @param mean  μ
 * @param scale s &gt; 0
 */
record FeatureScale(double[] mean, double scale) implements Serializable {

    /**
     * @param sums Σφ (d), Σφ² (d) and the count of normal rows
     * @return the scale
     */
    static FeatureScale of(double[] sums) {
        int d = (sums.length - 1) / 2;
        double n = sums[2 * d];
        double[] mean = new double[d];
        double var = 0;
        for (int j = 0; j < d; j++) {
            mean[j] = sums[j] / n;
            var += Math.max(0, sums[d + j] / n - mean[j] * mean[j]);
        }
        double s = Math.sqrt(var / d);
        return new FeatureScale(mean, s > 1e-12 ? s : 1.0);
    }

    /**
     * @param phi encoder features
     * @return z
     */
    double[] apply(double[] phi) {
        double[] z = new double[phi.length];
        for (int j = 0; j < phi.length; j++) {
            z[j] = (phi[j] - mean[j]) / scale;
        }
        return z;
    }
}
