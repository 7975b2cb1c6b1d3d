package io.kka.generate.embedded;

/**
 * The arithmetic of the embedded language model over a flat parameter vector θ, laid out as
 * [b (V) | O (V×d) | E1 (V×d) | E2 (V×d) | C (V×d) | a (d)].
 *
 * <p>For the t-th token with history (w_{t−1}, w_{t−2}) ({@code <s>} padded) and prompt context words u_1..u_m:
 * c = mean_j C[u_j] (0 if m = 0), h_t = tanh(E1[w_{t−1}] + E2[w_{t−2}] + c + a),
 * logit_t(w) = b[w] + O[w]·h_t over every token except {@code <s>}, and log π(w_t | …) = logit_t(w_t) −
 * logsumexp_w logit_t(w). The gradient is back-propagated by hand. exp, log and tanh are StrictMath so that
 * results are bit-identical on every JVM.
 */
final class LmNet {
    final int v;
    final int d;
    final int offO;
    final int offE1;
    final int offE2;
    final int offC;
    final int offA;
    final int size;

    LmNet(int v, int d) {
        this.v = v;
        this.d = d;
        this.offO = v;
        this.offE1 = offO + v * d;
        this.offE2 = offE1 + v * d;
        this.offC = offE2 + v * d;
        this.offA = offC + v * d;
        this.size = offA + d;
    }

    /** @return the context vector c of the prompt's content words */
    double[] context(double[] th, int[] ctx) {
        double[] c = new double[d];
        for (int u : ctx) {
            for (int k = 0; k < d; k++) {
                c[k] += th[offC + u * d + k];
            }
        }
        for (int k = 0; k < d && ctx.length > 0; k++) {
            c[k] /= ctx.length;
        }
        return c;
    }

    /** Fills h (hidden state) and logits (index 0, {@code <s>}, is −∞) for one step. */
    void step(double[] th, double[] c, int p1, int p2, double[] h, double[] logits) {
        for (int k = 0; k < d; k++) {
            h[k] = StrictMath.tanh(th[offE1 + p1 * d + k] + th[offE2 + p2 * d + k] + c[k] + th[offA + k]);
        }
        logits[0] = Double.NEGATIVE_INFINITY;
        for (int w = 1; w < v; w++) {
            double z = th[w];
            int o = offO + w * d;
            for (int k = 0; k < d; k++) {
                z += th[o + k] * h[k];
            }
            logits[w] = z;
        }
    }

    /** Turns logits into probabilities in place; returns logsumexp. */
    static double softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int w = 0; w < logits.length; w++) {
            logits[w] = logits[w] == Double.NEGATIVE_INFINITY ? 0 : StrictMath.exp(logits[w] - max);
            sum += logits[w];
        }
        for (int w = 0; w < logits.length; w++) {
            logits[w] /= sum;
        }
        return max + StrictMath.log(sum);
    }

    /**
     * Log-probability of the target tokens in order (the history is built from them), and optionally its gradient.
     *
     * @param th      parameters
     * @param ctx     prompt context word ids
     * @param targets token ids to score; end with {@link Vocabulary#EOS} for a whole description
     * @param scale   factor on the gradient
     * @param grad    gradient accumulator, or null
     * @return Σ_t log π(targets_t | history, context)
     */
    double sequence(double[] th, int[] ctx, int[] targets, double scale, double[] grad) {
        double[] c = context(th, ctx);
        double[] h = new double[d];
        double[] p = new double[v];
        double[] dh = new double[d];
        double[] dc = new double[d];
        double lp = 0;
        for (int t = 0; t < targets.length; t++) {
            int p1 = t >= 1 ? targets[t - 1] : Vocabulary.BOS;
            int p2 = t >= 2 ? targets[t - 2] : Vocabulary.BOS;
            step(th, c, p1, p2, h, p);
            double z = p[targets[t]];
            lp += z - softmax(p);
            if (grad != null) {
                backward(th, targets[t], p1, p2, h, p, dh, dc, scale, grad);
            }
        }
        if (grad != null && ctx.length > 0) {
            for (int u : ctx) {
                for (int k = 0; k < d; k++) {
                    grad[offC + u * d + k] += scale * dc[k] / ctx.length;
                }
            }
        }
        return lp;
    }

    private void backward(double[] th, int y, int p1, int p2, double[] h, double[] prob, double[] dh, double[] dc,
            double scale, double[] grad) {
        java.util.Arrays.fill(dh, 0.0);
        for (int w = 1; w < v; w++) {
            double g = (w == y ? 1.0 : 0.0) - prob[w];
            grad[w] += scale * g;
            int o = offO + w * d;
            for (int k = 0; k < d; k++) {
                grad[o + k] += scale * g * h[k];
                dh[k] += g * th[o + k];
            }
        }
        for (int k = 0; k < d; k++) {
            double pre = dh[k] * (1 - h[k] * h[k]);
            grad[offE1 + p1 * d + k] += scale * pre;
            grad[offE2 + p2 * d + k] += scale * pre;
            grad[offA + k] += scale * pre;
            dc[k] += pre;
        }
    }
}
