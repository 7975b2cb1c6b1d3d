package io.kka.detect;

import java.io.Serializable;

/**
 * Per-cluster count, sum and sum of outer products of feature vectors, accumulated on the executors
 * ({@code treeAggregate}); vectors are shifted by the cluster's k-means centre first, which keeps the second
 * moments well conditioned. Memory: K·d² doubles (d ≤ 1024).
 */
final class ClusterMoments implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int d;
    private final double[][] shift;
    private final long[] n;
    private final double[][] sum;
    private final double[][] outer;

    ClusterMoments(double[][] shift) {
        this.d = shift[0].length;
        this.shift = shift;
        this.n = new long[shift.length];
        this.sum = new double[shift.length][d];
        this.outer = new double[shift.length][d * d];
    }

    /** Adds one vector to cluster k. */
    ClusterMoments add(int k, double[] z) {
        if (z.length != d) {
            throw new IllegalArgumentException("feature vectors differ in size: " + z.length + " vs " + d
                    + " (do all images have the same channels?)");
        }
        double[] s = sum[k];
        double[] o = outer[k];
        double[] c = shift[k];
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = z[i] - c[i];
            s[i] += v[i];
        }
        for (int i = 0; i < d; i++) {
            double vi = v[i];
            int row = i * d;
            for (int j = 0; j <= i; j++) {
                o[row + j] += vi * v[j];
            }
        }
        n[k]++;
        return this;
    }

    /** Merges another buffer into this one. */
    ClusterMoments merge(ClusterMoments other) {
        for (int k = 0; k < n.length; k++) {
            n[k] += other.n[k];
            for (int i = 0; i < d; i++) {
                sum[k][i] += other.sum[k][i];
            }
            for (int i = 0; i < d * d; i++) {
                outer[k][i] += other.outer[k][i];
            }
        }
        return this;
    }

    /**
     * @param shrinkage s in [0, 1]: Σ = (1 − s)·S + s·(tr S / d)·I, plus a tiny ridge so that Σ is always
     *                  positive definite
     * @return mean and Cholesky factor of Σ per cluster (unbiased S; clusters without rows are left out)
     */
    ClusterGaussians gaussians(double shrinkage) {
        int kk = n.length;
        double[][] means = new double[kk][];
        double[][] chol = new double[kk][];
        for (int k = 0; k < kk; k++) {
            if (n[k] == 0) {
                continue;
            }
            double[] mu = new double[d];
            double[] dm = new double[d];
            for (int i = 0; i < d; i++) {
                dm[i] = sum[k][i] / n[k];
                mu[i] = dm[i] + shift[k][i];
            }
            double denom = Math.max(1, n[k] - 1);
            double[] cov = new double[d * d];
            double trace = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = (outer[k][i * d + j] - n[k] * dm[i] * dm[j]) / denom;
                    cov[i * d + j] = v;
                    cov[j * d + i] = v;
                }
                trace += cov[i * d + i];
            }
            double scale = Math.max(trace / d, 1e-12);
            for (int i = 0; i < d * d; i++) {
                cov[i] *= 1 - shrinkage;
            }
            for (int i = 0; i < d; i++) {
                cov[i * d + i] += shrinkage * scale + 1e-6 * scale;
            }
            means[k] = mu;
            chol[k] = ClusterGaussians.cholesky(cov, d);
        }
        return new ClusterGaussians(means, chol, n.clone());
    }
}
