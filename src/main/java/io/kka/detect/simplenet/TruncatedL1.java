package io.kka.detect.simplenet;

/**
 * SimpleNet's loss on one minibatch, in training mode, and its gradient by hand-written backpropagation. The
 * adapted normal features u = A z + b are the positives; the negatives are u + ε (ε ~ N(0, σ²I), SimpleNet's
 * Gaussian-noise anomalous features) and, with labelled anomalies, their adapted features (SimpleNet+KKA). All rows
 * pass the discriminator as one batch, so batch norm normalises with the statistics of positives and negatives
 * together, as SimpleNet's {@code discriminator(torch.cat([true_feats, fake_feats]))} does. With logits D:
 *
 * <pre>
 *   L = mean over positives of max(0, th − D) + mean over negatives of max(0, th + D)
 * </pre>
 *
 * (truncated L1: normal logits are pushed above th, anomalous ones below −th, and rows beyond the margin give no
 * gradient). The gradient reaches the adaptor through both the positives and their noisy copies.
 */
final class TruncatedL1 {
    private TruncatedL1() {
    }

    /**
     * One minibatch's outcome.
     *
     * @param loss        L
     * @param grad        ∂L/∂params, laid out as {@link SimpleNetHead#params}
     * @param batchMean   batch-norm mean of each hidden unit over the batch
     * @param batchVar    batch-norm variance of each hidden unit, unbiased (n − 1), for the running statistics
     * @param positives   positive rows
     * @param negatives   negative rows
     * @param trueAbove   positives with D ≥ th (SimpleNet's p_true numerator)
     * @param fakeBelow   negatives with D &lt; −th (SimpleNet's p_fake numerator)
     */
    record Result(double loss, double[] grad, double[] batchMean, double[] batchVar, int positives, int negatives,
            int trueAbove, int fakeBelow) {
    }

    /**
     * @param head      the parameters
     * @param normals   standardised features of the batch's normal rows (n × d, n ≥ 1)
     * @param noise     one noise vector per normal row (n × d)
     * @param anomalies standardised features of the batch's labelled anomalies (m × d, m ≥ 0)
     * @param margin    th ≥ 0
     * @return loss and gradient
     * @throws IllegalArgumentException if the batch has fewer than two rows in all (batch norm needs two)
     */
    static Result of(SimpleNetHead head, double[][] normals, double[][] noise, double[][] anomalies, double margin) {
        int d = head.d;
        int h = head.h;
        double[] p = head.params;
        int n = normals.length;
        int m = anomalies.length;
        int rows = 2 * n + m;
        if (rows < 2) {
            throw new IllegalArgumentException("a SimpleNet batch needs at least two rows, found " + rows);
        }
        // forward: adapted rows z (normals, their noisy copies, anomalies), then the discriminator
        double[][] z = new double[rows][];
        for (int i = 0; i < n; i++) {
            z[i] = head.adapt(normals[i]);
            z[n + i] = z[i].clone();
            for (int j = 0; j < d; j++) {
                z[n + i][j] += noise[i][j];
            }
        }
        for (int i = 0; i < m; i++) {
            z[2 * n + i] = head.adapt(anomalies[i]);
        }
        double[][] a = new double[rows][h];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < h; k++) {
                double s = 0;
                int row = head.w1() + k * d;
                for (int j = 0; j < d; j++) {
                    s += p[row + j] * z[i][j];
                }
                a[i][k] = s;
            }
        }
        double[] mean = new double[h];
        double[] var = new double[h];
        double[] inv = new double[h];
        for (int k = 0; k < h; k++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += a[i][k];
            }
            mean[k] = s / rows;
            double ss = 0;
            for (int i = 0; i < rows; i++) {
                double t = a[i][k] - mean[k];
                ss += t * t;
            }
            var[k] = ss / rows;
            inv[k] = 1 / Math.sqrt(var[k] + SimpleNetHead.BN_EPS);
        }
        double[][] xhat = new double[rows][h];
        double[][] y = new double[rows][h];
        double[] logit = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < h; k++) {
                xhat[i][k] = (a[i][k] - mean[k]) * inv[k];
                y[i][k] = p[head.gamma() + k] * xhat[i][k] + p[head.beta() + k];
                s += p[head.w2() + k] * (y[i][k] > 0 ? y[i][k] : SimpleNetHead.LEAK * y[i][k]);
            }
            logit[i] = s;
        }
        // loss and ∂L/∂logit
        int negatives = n + m;
        double loss = 0;
        double[] dLogit = new double[rows];
        int trueAbove = 0;
        int fakeBelow = 0;
        for (int i = 0; i < rows; i++) {
            boolean positive = i < n;
            double slack = positive ? margin - logit[i] : margin + logit[i];
            if (slack > 0) {
                loss += slack / (positive ? n : negatives);
                dLogit[i] = positive ? -1.0 / n : 1.0 / negatives;
            }
            if (positive && logit[i] >= margin) {
                trueAbove++;
            } else if (!positive && logit[i] < -margin) {
                fakeBelow++;
            }
        }
        double[] g = new double[p.length];
        // back through w2, the leaky ReLU and γ, β
        double[][] dxhat = new double[rows][h];
        for (int i = 0; i < rows; i++) {
            if (dLogit[i] == 0) {
                continue;
            }
            for (int k = 0; k < h; k++) {
                double act = y[i][k] > 0 ? y[i][k] : SimpleNetHead.LEAK * y[i][k];
                g[head.w2() + k] += dLogit[i] * act;
                double dy = dLogit[i] * p[head.w2() + k] * (y[i][k] > 0 ? 1 : SimpleNetHead.LEAK);
                g[head.gamma() + k] += dy * xhat[i][k];
                g[head.beta() + k] += dy;
                dxhat[i][k] = dy * p[head.gamma() + k];
            }
        }
        // back through batch norm (batch statistics): da = inv/N · (N·dxhat − Σ dxhat − xhat·Σ dxhat·xhat)
        double[][] da = new double[rows][h];
        for (int k = 0; k < h; k++) {
            double sum = 0;
            double dot = 0;
            for (int i = 0; i < rows; i++) {
                sum += dxhat[i][k];
                dot += dxhat[i][k] * xhat[i][k];
            }
            for (int i = 0; i < rows; i++) {
                da[i][k] = inv[k] / rows * (rows * dxhat[i][k] - sum - xhat[i][k] * dot);
            }
        }
        // back through W1 into the adapted rows
        double[][] dz = new double[rows][d];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < h; k++) {
                double v = da[i][k];
                if (v == 0) {
                    continue;
                }
                int row = head.w1() + k * d;
                for (int j = 0; j < d; j++) {
                    g[row + j] += v * z[i][j];
                    dz[i][j] += v * p[row + j];
                }
            }
        }
        // back through the adaptor: a noisy copy's gradient flows into its normal's u
        for (int i = 0; i < n + m; i++) {
            double[] du = i < n ? dz[i] : dz[n + i];
            if (i < n) {
                du = du.clone();
                for (int j = 0; j < d; j++) {
                    du[j] += dz[n + i][j];
                }
            }
            double[] x = i < n ? normals[i] : anomalies[i - n];
            for (int o = 0; o < d; o++) {
                int row = o * d;
                for (int j = 0; j < d; j++) {
                    g[row + j] += du[o] * x[j];
                }
                g[head.bias() + o] += du[o];
            }
        }
        double[] unbiased = new double[h];
        for (int k = 0; k < h; k++) {
            unbiased[k] = var[k] * rows / (rows - 1);
        }
        return new Result(loss, g, mean, unbiased, n, negatives, trueAbove, fakeBelow);
    }
}
