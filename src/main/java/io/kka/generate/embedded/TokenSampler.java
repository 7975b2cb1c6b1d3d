package io.kka.generate.embedded;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one description from the model: token by token, from the next-token distribution sharpened or flattened
 * by the temperature (0 = greedy), optionally cut to its top-p nucleus, until the end token or the word limit.
 * {@code <unk>} is never drawn (the model's distribution renormalised over known tokens), so at temperature 1 and
 * top-p 1 a draw follows π(y|x) up to that renormalisation and the length limit.
 */
final class TokenSampler {
    private final LmNet net;
    private final double[] theta;

    TokenSampler(LmNet net, double[] theta) {
        this.net = net;
        this.theta = theta;
    }

    /** @return the drawn token ids (no end token) */
    int[] draw(double[] c, SplittableRandom rnd, double temperature, double topP, int maxWords) {
        int[] out = new int[maxWords];
        int n = 0;
        double[] h = new double[net.d];
        double[] z = new double[net.v];
        while (n < maxWords) {
            int p1 = n >= 1 ? out[n - 1] : Vocabulary.BOS;
            int p2 = n >= 2 ? out[n - 2] : Vocabulary.BOS;
            net.step(theta, c, p1, p2, h, z);
            z[Vocabulary.UNK] = Double.NEGATIVE_INFINITY;
            int w = pick(z, rnd, temperature, topP);
            if (w == Vocabulary.EOS) {
                break;
            }
            out[n++] = w;
        }
        return Arrays.copyOf(out, n);
    }

    private static int pick(double[] z, SplittableRandom rnd, double temperature, double topP) {
        if (temperature == 0) {
            int best = 1;
            for (int w = 1; w < z.length; w++) {
                if (z[w] > z[best]) {
                    best = w;
                }
            }
            return best;
        }
        for (int w = 0; w < z.length; w++) {
            z[w] = z[w] / temperature;
        }
        LmNet.softmax(z);
        if (topP < 1) {
            nucleus(z, topP);
        }
        double u = rnd.nextDouble();
        double total = 0;
        for (double p : z) {
            total += p;
        }
        double acc = 0;
        int last = 1;
        for (int w = 0; w < z.length; w++) {
            if (z[w] > 0) {
                acc += z[w] / total;
                last = w;
                if (u < acc) {
                    return w;
                }
            }
        }
        return last;
    }

    /** Zeroes every probability outside the smallest set of most likely tokens whose mass reaches topP. */
    private static void nucleus(double[] p, double topP) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        // ties broken by id so the nucleus is deterministic
        Arrays.sort(idx, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double acc = 0;
        int keep = 0;
        while (keep < idx.length && (acc < topP || keep == 0)) {
            acc += p[idx[keep++]];
        }
        for (int i = keep; i < idx.length; i++) {
            p[idx[i]] = 0;
        }
    }
}
