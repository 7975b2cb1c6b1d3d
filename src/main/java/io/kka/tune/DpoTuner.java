package io.kka.tune;

import io.kka.config.TuningConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eq. 7: tunes a language model with Direct Preference Optimization towards the chosen (hard) descriptions,
 * against a frozen reference copy, with Adam over seeded minibatches of pairs.
 *
 * <p>Minibatches: the pairs are shuffled with the seed and cut into {@code tuning.batch_size} consecutive
 * batches (the last one of an epoch may be smaller); after each pass they are reshuffled. {@code tuning.steps}
 * steps are taken, each one Adam step at {@code tuning.learning_rate} on the batch's mean loss. The reference's
 * log-probabilities are computed once; the reference itself is only read, and the policy handed in is not changed
 * (the tuned model is a new one). Same pairs, config and seed ⇒ bit-identical result.
 */
public final class DpoTuner {
    private static final Logger LOG = LoggerFactory.getLogger(DpoTuner.class);
    private final TuningConfig cfg;
    private final long seed;

    private DpoTuner(TuningConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    /**
     * @param cfg  tuning config: beta, learning_rate, steps, batch_size are used
     * @param seed minibatch seed
     * @return the tuner
     */
    public static DpoTuner of(TuningConfig cfg, long seed) {
        return new DpoTuner(cfg, seed);
    }

    /**
     * @param policy    the model to start from (unchanged)
     * @param reference the frozen reference π_ref (unchanged; usually the same weights as {@code policy})
     * @param pairs     preference pairs; none gives the policy back with a report of 0 steps
     * @param <M>       model type
     * @return the tuned model and a report
     */
    public <M extends TunableModel<M>> DpoResult<M> tune(M policy, M reference, List<PreferencePair> pairs) {
        long start = System.nanoTime();
        if (policy.parameterCount() != reference.parameterCount()) {
            throw new IllegalArgumentException("policy and reference differ in shape: " + policy.parameterCount()
                    + " vs " + reference.parameterCount() + " parameters");
        }
        DpoLoss loss = DpoLoss.of(cfg.beta());
        List<DpoLoss.Scored> scored = new ArrayList<>(pairs.size());
        for (PreferencePair p : pairs) {
            scored.add(new DpoLoss.Scored(p, reference.logProb(p.conditioning(), p.chosen()),
                    reference.logProb(p.conditioning(), p.rejected())));
        }
        if (scored.isEmpty()) {
            LOG.warn("DPO: no preference pairs; the model is unchanged");
            return new DpoResult<>(policy, new DpoReport(0, 0, List.of(), List.of(), Double.NaN, Double.NaN,
                    Double.NaN, seconds(start)));
        }
        double[] theta = policy.parameters();
        Adam adam = Adam.of(theta.length, cfg.learningRate());
        Batches batches = new Batches(scored, cfg.batchSize(), new SplittableRandom(seed));
        List<Double> losses = new ArrayList<>();
        List<Double> margins = new ArrayList<>();
        M current = policy;
        double[] grad = new double[theta.length];
        for (int step = 0; step < cfg.steps(); step++) {
            java.util.Arrays.fill(grad, 0.0);
            double[] lm = loss.batch(current, batches.next(), grad);
            losses.add(lm[0]);
            margins.add(lm[1]);
            adam.step(theta, grad);
            current = policy.withParameters(theta);
        }
        double[] all = loss.batch(current, scored, null);
        double accuracy = accuracy(loss, current, scored);
        DpoReport report = new DpoReport(scored.size(), cfg.steps(), losses, margins, all[0], all[1], accuracy,
                seconds(start));
        LOG.info("DPO: {} pairs, {} steps, loss {} -> {}, mean margin {}, accuracy {} ({} s)", scored.size(),
                cfg.steps(), String.format("%.4f", losses.get(0)), String.format("%.4f", all[0]),
                String.format("%.4f", all[1]), String.format("%.3f", accuracy), String.format("%.2f",
                        report.seconds()));
        return new DpoResult<>(current, report);
    }

    private static <M extends TunableModel<M>> double accuracy(DpoLoss loss, M model, List<DpoLoss.Scored> pairs) {
        int right = 0;
        for (DpoLoss.Scored s : pairs) {
            double w = model.logProb(s.pair().conditioning(), s.pair().chosen());
            double l = model.logProb(s.pair().conditioning(), s.pair().rejected());
            if (loss.margin(w, s.refChosen(), l, s.refRejected()) > 0) {
                right++;
            }
        }
        return (double) right / pairs.size();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seeded epoch-wise shuffling of the pairs into minibatches. */
    private static final class Batches {
        private final List<DpoLoss.Scored> items;
        private final int size;
        private final SplittableRandom rnd;
        private int[] order;
        private int pos;

        Batches(List<DpoLoss.Scored> items, int size, SplittableRandom rnd) {
            this.items = items;
            this.size = Math.min(size, items.size());
            this.rnd = rnd;
        }

        List<DpoLoss.Scored> next() {
            if (order == null || pos >= order.length) {
                order = permutation(items.size());
                pos = 0;
            }
            List<DpoLoss.Scored> out = new ArrayList<>(size);
            for (int i = 0; i < size && pos < order.length; i++) {
                out.add(items.get(order[pos++]));
            }
            return out;
        }

        private int[] permutation(int n) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            return p;
        }
    }
}
