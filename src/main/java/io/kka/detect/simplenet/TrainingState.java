package io.kka.detect.simplenet;

import java.io.Serializable;
import java.util.List;

/**
 * A SimpleNet head and its optimiser state, what a training worker receives and returns each averaging round.
 * SimpleNet's optimisers: the adaptor with AdamW (decoupled weight decay {@value #ADAPTOR_DECAY}, PyTorch's default)
 * and the discriminator with Adam and L2 weight decay {@value #DISCRIMINATOR_DECAY}; β1 0.9, β2 0.999, ε 1e-8.
 * Parameter averaging averages the parameters, the running batch-norm statistics and both Adam moments.
 */
final class TrainingState implements Serializable {
    private static final long serialVersionUID = 1L;
    /** AdamW weight decay of the adaptor (SimpleNet: {@code torch.optim.AdamW}, default 0.01) */
    static final double ADAPTOR_DECAY = 0.01;
    /** L2 weight decay of the discriminator (SimpleNet: {@code Adam(..., weight_decay=1e-5)}) */
    static final double DISCRIMINATOR_DECAY = 1e-5;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    final SimpleNetHead head;
    final double[] m;
    final double[] v;
    long steps;

    TrainingState(SimpleNetHead head, double[] m, double[] v, long steps) {
        this.head = head;
        this.m = m;
        this.v = v;
        this.steps = steps;
    }

    /** @return a fresh state for a head */
    static TrainingState of(SimpleNetHead head) {
        return new TrainingState(head, new double[head.params.length], new double[head.params.length], 0);
    }

    /** @return a deep copy */
    TrainingState copy() {
        return new TrainingState(head.copy(), m.clone(), v.clone(), steps);
    }

    /**
     * One optimiser step and the running batch-norm statistics of the step's batch.
     *
     * @param r              the batch's loss and gradient
     * @param adaptorRate    the adaptor's learning rate
     * @param discriminatorRate the discriminator's learning rate
     */
    void step(TruncatedL1.Result r, double adaptorRate, double discriminatorRate) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        double[] p = head.params;
        int split = head.adaptorSize();
        for (int i = 0; i < p.length; i++) {
            boolean adaptor = i < split;
            double g = r.grad()[i] + (adaptor ? 0 : DISCRIMINATOR_DECAY * p[i]);
            double rate = adaptor ? adaptorRate : discriminatorRate;
            if (adaptor) {
                p[i] -= rate * ADAPTOR_DECAY * p[i];
            }
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            p[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
        for (int k = 0; k < head.h; k++) {
            head.runMean[k] += SimpleNetHead.BN_MOMENTUM * (r.batchMean()[k] - head.runMean[k]);
            head.runVar[k] += SimpleNetHead.BN_MOMENTUM * (r.batchVar()[k] - head.runVar[k]);
        }
    }

    /**
     * The parameter average of the workers' states, in the given order (so the sum's rounding is reproducible);
     * the step count is the largest.
     *
     * @param states one per worker that trained this round (at least one)
     * @return the average
     */
    static TrainingState average(List<TrainingState> states) {
        TrainingState first = states.get(0);
        SimpleNetHead h = first.head;
        double[] p = new double[h.params.length];
        double[] mean = new double[h.h];
        double[] var = new double[h.h];
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        long steps = 0;
        for (TrainingState s : states) {
            add(p, s.head.params);
            add(mean, s.head.runMean);
            add(var, s.head.runVar);
            add(m, s.m);
            add(v, s.v);
            steps = Math.max(steps, s.steps);
        }
        double w = 1.0 / states.size();
        for (double[] a : List.of(p, mean, var, m, v)) {
            for (int i = 0; i < a.length; i++) {
                a[i] *= w;
            }
        }
        return new TrainingState(new SimpleNetHead(h.d, h.h, p, mean, var), m, v, steps);
    }

    private static void add(double[] into, double[] x) {
        for (int i = 0; i < into.length; i++) {
            into[i] += x[i];
        }
    }
}
