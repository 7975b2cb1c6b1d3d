package io.kka.detect;

import java.io.Serializable;

/**
 * One Gaussian per cluster (mean μ_k and the Cholesky factor L_k of Σ_k) and the Mahalanobis distance of Eq. 1,
 * s_k(z) = (z − μ_k)ᵀ Σ_k⁻¹ (z − μ_k) = ‖L_k⁻¹(z − μ_k)‖². Plain arrays: cheap to broadcast.
 */
final class ClusterGaussians implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[][] means;
    private final double[][] chol;
    private final long[] counts;

    ClusterGaussians(double[][] means, double[][] chol, long[] counts) {
        this.means = means;
        this.chol = chol;
        this.counts = counts;
    }

    /** @return the means (null for an empty cluster), for saving */
    double[][] means() {
        return means;
    }

    /** @return the packed Cholesky factors (null for an empty cluster), for saving */
    double[][] chol() {
        return chol;
    }

    /** @return training rows per cluster, for saving */
    long[] counts() {
        return counts;
    }

    /** @return number of clusters (including empty ones) */
    int clusters() {
        return means.length;
    }

    /** @return whether cluster k has a fitted Gaussian */
    boolean present(int k) {
        return means[k] != null;
    }

    /** @return training rows of cluster k */
    long count(int k) {
        return counts[k];
    }

    /** Eq. 1 for cluster k. */
    double mahalanobis(int k, double[] z) {
        double[] mu = means[k];
        double[] l = chol[k];
        int d = mu.length;
        double[] y = new double[d];
        double s = 0;
        for (int i = 0; i < d; i++) {
            double v = z[i] - mu[i];
            int row = i * d;
            for (int j = 0; j < i; j++) {
                v -= l[row + j] * y[j];
            }
            y[i] = v / l[row + i];
            s += y[i] * y[i];
        }
        return s;
    }

    /** @return min over fitted clusters of Eq. 1 (the detector's score) */
    double minMahalanobis(double[] z) {
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < means.length; k++) {
            if (present(k)) {
                best = Math.min(best, mahalanobis(k, z));
            }
        }
        return best;
    }

    /**
     * @param a a symmetric positive definite d×d matrix, row-major
     * @param d dimension
     * @return its lower Cholesky factor, row-major (upper part zero)
     * @throws IllegalStateException if a is not positive definite
     */
    static double[] cholesky(double[] a, int d) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * d + j];
                for (int p = 0; p < j; p++) {
                    s -= l[i * d + p] * l[j * d + p];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalStateException("covariance is not positive definite (pivot " + s + ")");
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
        return l;
    }
}
