package io.kka.bench;

import io.kka.detect.DeepSadLoss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The Deep SAD LeNet-28 and its loss as a SameDiff graph, to measure SameDiff against {@code MultiLayerNetwork} on
 * the same network (a lever of {@code kka bench train --levers}): bias-free 5×5 convolutions 16/32 (padding 2),
 * batch norm without affine parameters from the minibatch's statistics (biased variance, ε 1e-4), leaky ReLU 0.01,
 * 2×2 max pooling, dense 128 → batch norm → leaky ReLU, dense to the representation; loss the minibatch's mean of
 * {@code d = ‖φ(x) − c‖²} for unlabelled rows, {@code η(d + ε)} for labelled normals and {@code η / (d + ε)} for
 * labelled anomalies, as {@link DeepSadLoss}; Adam. Its weights are copied from a {@link MultiLayerNetwork} of the
 * same architecture, and it computes that network's loss ({@code SameDiffLeNetTest}).
 *
 * <p><b>Timing only: SameDiff M2 does not differentiate this graph correctly.</b> Its gradients for the
 * convolutions come out zero and those of the dense layers wrong against DL4J's (which DL4J's gradient checks
 * confirm; deeplearning4j issue 9655, "Zero SameDiff Gradients", reports the same on M2). The smallest case
 * found: a per-row reduction used twice, {@code d = sum(z², 1, keepDims)} and {@code loss = mean(d + 2d)}, gives
 * ∂loss/∂w = 0, where {@code mean(d)} is right; batch norm (x in its mean and in x − mean) and the Deep SAD loss
 * (d in three terms) both have that shape. So SameDiff cannot train this network as written; its fit step, which
 * runs every forward and backward op (conv2d_bp, maxpool2d_bp, matmul_bp among them), is timed as the cost of
 * SameDiff's execution. The batch norms' running statistics (read only by inference) are not kept, and weight
 * decay is not applied.
 */
final class SameDiffLeNet {
    private static final double BN_EPS = 1e-4;
    private static final double LRELU = 0.01;

    private final SameDiff sd;

    private SameDiffLeNet(SameDiff sd) {
        this.sd = sd;
    }

    /**
     * @param net          a Deep SAD lenet28 network ({@code DeepSadNetworkFactory}, 28×28×1): its weights are
     *                     copied
     * @param loss         its loss (centre, η, ε)
     * @param learningRate Adam's learning rate
     * @return the graph, ready to fit
     */
    static SameDiffLeNet of(MultiLayerNetwork net, DeepSadLoss loss, double learningRate) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 784);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable h = x.reshape(sd.constant(Nd4j.createFromArray(-1L, 1L, 28L, 28L)));
        h = block(sd, h, convWeight(sd, "w0", net, 0), 1);
        h = block(sd, h, convWeight(sd, "w4", net, 4), 2);
        h = h.reshape(sd.constant(Nd4j.createFromArray(-1L, 32L * 7 * 7)));
        h = h.mmul(weight(sd, "w8", net, 8));
        h = sd.nn.leakyRelu(normalise(h, 0), LRELU);
        SDVariable z = h.mmul(weight(sd, "w11", net, 11));
        double[] centre = loss.center();
        SDVariable c = sd.constant("c", Nd4j.createFromArray(centre).castTo(DataType.FLOAT).reshape(1, centre.length));
        SDVariable diff = z.sub(c);
        SDVariable d = diff.mul(diff).sum(true, 1);
        SDVariable unlabelled = sd.eq(y, 0.0).castTo(DataType.FLOAT);
        SDVariable normal = sd.gt(y, 0.0).castTo(DataType.FLOAT);
        SDVariable anomaly = sd.lt(y, 0.0).castTo(DataType.FLOAT);
        SDVariable dEps = d.add(loss.epsilon());
        SDVariable perRow = unlabelled.mul(d).add(normal.mul(dEps).mul(loss.eta()))
                .add(anomaly.mul(dEps.rdiv(1.0)).mul(loss.eta()));
        SDVariable total = perRow.mean("loss");
        sd.setLossVariables(total);
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(learningRate))
                .dataSetFeatureMapping("x").dataSetLabelMapping("y").build());
        return new SameDiffLeNet(sd);
    }

    /** conv 5×5 (bias-free, padding 2) → batch norm over n, h, w → leaky ReLU → max pool 2×2 */
    private static SDVariable block(SameDiff sd, SDVariable in, SDVariable w, int idx) {
        SDVariable conv = sd.cnn.conv2d("conv" + idx, in, w, Conv2DConfig.builder().kH(5).kW(5).pH(2).pW(2).sH(1)
                .sW(1).dataFormat("NCHW").build());
        SDVariable act = sd.nn.leakyRelu(normalise(conv, 0, 2, 3), LRELU);
        return sd.cnn.maxPooling2d(act, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).isNHWC(false).build());
    }

    /** (x − mean) / √(var + ε) with the minibatch's mean and biased variance over {@code dims} */
    private static SDVariable normalise(SDVariable in, int... dims) {
        SameDiff sd = in.getSameDiff();
        SDVariable mean = in.mean(true, dims);
        SDVariable centred = in.sub(mean);
        SDVariable var = sd.math.square(centred).mean(true, dims);
        return centred.mul(sd.math.rsqrt(var.add(BN_EPS)));
    }

    /**
     * A trainable copy of convolution layer {@code layer}'s weights, from DL4J's [out, in, kH, kW] to SameDiff's
     * default [kH, kW, in, out] (M2's conv2d backprop rejects the other weight formats).
     */
    private static SDVariable convWeight(SameDiff sd, String name, MultiLayerNetwork net, int layer) {
        return sd.var(name, net.getLayer(layer).getParam("W").permute(2, 3, 1, 0).dup('c'));
    }

    /** A trainable copy of dense layer {@code layer}'s weights [in, out]. */
    private static SDVariable weight(SameDiff sd, String name, MultiLayerNetwork net, int layer) {
        INDArray w = net.getLayer(layer).getParam("W").dup();
        return sd.var(name, w);
    }

    /**
     * @param ds features [n, 784] and labels [n, 1] (0 unlabelled, +1 labelled normal, −1 labelled anomaly)
     * @return the loss of this minibatch under the current weights (no update)
     */
    double loss(DataSet ds) {
        return sd.output(java.util.Map.of("x", ds.getFeatures(), "y", ds.getLabels()), "loss").get("loss")
                .getDouble(0);
    }

    /**
     * @param ds features as for {@link #loss}
     * @return the loss's gradient for each weight (w0, w4: conv [kH, kW, in, out]; w8, w11: dense [in, out])
     */
    java.util.Map<String, INDArray> gradients(DataSet ds) {
        return sd.calculateGradients(java.util.Map.of("x", ds.getFeatures(), "y", ds.getLabels()), "w0", "w4", "w8",
                "w11");
    }

    /** One Adam step on the minibatch. */
    void fit(DataSet ds) {
        sd.fit(ds);
    }
}
