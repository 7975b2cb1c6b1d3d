package io.kka.detect;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The Deep SAD loss of Ruff et al. 2020 (the paper's Eq. 5) as a DL4J loss function.
 *
 * <p>For an embedding φ(x) with d = ‖φ(x) − c‖² and per-example label y:
 * <ul>
 *   <li>y = 0 (unlabelled or normal): d</li>
 *   <li>y = +1 (labelled normal): η·(d + ε)</li>
 *   <li>y = −1 (labelled anomaly): η·(d + ε)⁻¹</li>
 * </ul>
 * i.e. the reference's {@code eta * (dist + eps) ** semi_target} for labelled rows and {@code dist} otherwise.
 *
 * <p>How c and y reach the loss: the centre c is a field of this (immutable) object, so it is part of the network
 * configuration and travels with it, through DL4J's JSON (the fields carry DL4J's shaded {@code @JsonProperty})
 * and Java serialisation, to Spark executors. The label array has the output's shape {@code [n, repDim]}; every column of
 * row i holds y_i (only column 0 is read), which satisfies DL4J's label-shape checks.
 */
public final class DeepSadLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    // DL4J 1.0.0-M2's mapper only sees annotated fields or getters: annotate, or c is silently lost in the JSON
    @JsonProperty("center")
    private double[] center;
    @JsonProperty("eta")
    private double eta;
    @JsonProperty("epsilon")
    private double epsilon;

    /** For DL4J's JSON mapper (annotated fields are set reflectively). */
    private DeepSadLoss() {
        this(new double[0], 1.0, 1e-6);
    }

    /**
     * @param center  the hypersphere centre c (copied)
     * @param eta     η &gt; 0, weight of labelled examples
     * @param epsilon ε &gt; 0, keeps the anomaly term finite
     */
    public DeepSadLoss(double[] center, double eta, double epsilon) {
        this.center = center.clone();
        this.eta = eta;
        this.epsilon = epsilon;
    }

    /** @return a copy of c */
    public double[] center() {
        return center.clone();
    }

    /** @return η */
    public double eta() {
        return eta;
    }

    /** @return ε */
    public double epsilon() {
        return epsilon;
    }

    /** @return a copy of this loss with another centre */
    public DeepSadLoss withCenter(double[] c) {
        return new DeepSadLoss(c, eta, epsilon);
    }

    /** Per-example terms: diff = φ(x) − c [n, k], d [n, 1], y [n, 1]. */
    private record Terms(INDArray diff, INDArray d, INDArray y) {
    }

    private Terms terms(INDArray labels, INDArray preOutput, IActivation activationFn) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        if (out.columns() != center.length) {
            throw new IllegalStateException("Deep SAD output has " + out.columns() + " columns but the centre has "
                    + center.length + " (was the centre set?)");
        }
        if (labels.rows() != out.rows()) {
            throw new IllegalArgumentException("labels have " + labels.rows() + " rows, output " + out.rows());
        }
        DataType dt = out.dataType();
        INDArray c = Nd4j.createFromArray(center).castTo(dt).reshape(1, center.length);
        INDArray diff = out.subRowVector(c);
        INDArray d = diff.mul(diff).sum(true, 1);
        INDArray y = labels.getColumn(0, true).castTo(dt);
        return new Terms(diff, d, y);
    }

    private static INDArray perExampleMask(INDArray mask, long rows) {
        if (mask == null) {
            return null;
        }
        if (mask.rows() != rows) {
            throw new IllegalArgumentException("mask has " + mask.rows() + " rows, expected " + rows);
        }
        return mask.getColumn(0, true);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask) {
        Terms t = terms(labels, preOutput, activationFn);
        DataType dt = t.d.dataType();
        INDArray unlabelled = t.y.eq(0).castTo(dt);
        INDArray normal = t.y.gt(0).castTo(dt);
        INDArray anomaly = t.y.lt(0).castTo(dt);
        INDArray dPlusEps = t.d.add(epsilon);
        INDArray loss = unlabelled.mul(t.d)
                .addi(normal.mul(dPlusEps).muli(eta))
                .addi(anomaly.mul(dPlusEps.rdiv(1.0)).muli(eta));
        INDArray m = perExampleMask(mask, loss.rows());
        return m == null ? loss : loss.muli(m.castTo(dt));
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        INDArray scores = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = scores.sumNumber().doubleValue();
        return average ? sum / scores.rows() : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Terms t = terms(labels, preOutput, activationFn);
        DataType dt = t.d.dataType();
        INDArray unlabelled = t.y.eq(0).castTo(dt);
        INDArray normal = t.y.gt(0).castTo(dt);
        INDArray anomaly = t.y.lt(0).castTo(dt);
        INDArray inv = t.d.add(epsilon).rdivi(1.0);
        // dL/dd: 1 (unlabelled), η (labelled normal), −η/(d+ε)² (labelled anomaly)
        INDArray dLdd = unlabelled.add(normal.mul(eta)).subi(anomaly.mul(inv.mul(inv)).muli(eta));
        INDArray m = perExampleMask(mask, dLdd.rows());
        if (m != null) {
            dLdd.muli(m.castTo(dt));
        }
        INDArray dLdOut = t.diff.mulColumnVector(dLdd.muli(2.0));
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
            IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "DeepSadLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeepSadLoss l && Arrays.equals(center, l.center) && eta == l.eta
                && epsilon == l.epsilon;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(center) + Double.hashCode(eta) * 17 + Double.hashCode(epsilon);
    }

    @Override
    public String toString() {
        return "DeepSadLoss(repDim=" + center.length + ", eta=" + eta + ", epsilon=" + epsilon + ")";
    }
}
