package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The oneDNN path is really taken, and computes what DL4J's built-in path computes. */
class NativeBackendTest {

    private static MultiLayerNetwork build(DeepSadNetworkFactory f) {
        double[] c = new double[f.repDim()];
        java.util.Arrays.fill(c, 0.1);
        MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(new DeepSadLoss(c, 1.0, 1e-6), 1e-3, 0));
        net.init();
        return net;
    }

    /** @return the layer's DL4J helper (a protected field of the runtime layer), or null */
    private static Object helper(Layer layer) throws ReflectiveOperationException {
        for (Class<?> k = layer.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField("helper");
                f.setAccessible(true);
                return f.get(layer);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }

    /** A network built with helpers off (DL4J reads the switch when a layer is created). */
    private static MultiLayerNetwork builtIn(DeepSadNetworkFactory f) {
        System.setProperty(NativeBackend.HELPERS_DISABLED, "true");
        try {
            return build(f);
        } finally {
            System.setProperty(NativeBackend.HELPERS_DISABLED, "false");
        }
    }

    @Test
    void convolutionAndPoolingRunOnOneDnn() throws Exception {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 28, 1, 1);
        assertTrue(NativeBackend.helpersEnabled());
        Nd4j.getExecutioner(); // loads the backend (NativeOpsHolder needs it first)
        assertTrue(NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN"),
                "the packaged nd4j-native build must carry oneDNN");
        assertTrue(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN(),
                "the shim must report the real backend's oneDNN switch");
        MultiLayerNetwork net = build(f);
        assertTrue(helper(net.getLayer(0)) instanceof MKLDNNConvHelper, "conv 1");
        assertTrue(helper(net.getLayer(3)) instanceof MKLDNNSubsamplingHelper, "pool 1");
        assertTrue(helper(net.getLayer(4)) instanceof MKLDNNConvHelper, "conv 2");
        for (int bn : new int[] {1, 5, 9}) { // non-affine batch norms: DL4J's helper would decline them
            assertTrue(helper(net.getLayer(bn)) instanceof NonAffineBatchNorm.LockedGammaBetaHelper, "bn " + bn);
        }
        MultiLayerNetwork reloaded = new MultiLayerNetwork(org.deeplearning4j.nn.conf.MultiLayerConfiguration
                .fromJson(net.getLayerWiseConfigurations().toJson()));
        reloaded.init();
        assertTrue(helper(reloaded.getLayer(1)) instanceof NonAffineBatchNorm.LockedGammaBetaHelper, "from JSON");
        MultiLayerNetwork plain = builtIn(f);
        assertNull(helper(plain.getLayer(0)), "with helpers disabled DL4J's own path runs");
        assertNull(helper(plain.getLayer(1)), "with helpers disabled DL4J's own path runs");
    }

    @Test
    void nonAffineBatchNormIsDl4jsLayerWithItsDefaults() throws Exception {
        var std = new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().lockGammaBeta(true).eps(1e-4)
                .build();
        var ours = NonAffineBatchNorm.of(1e-4);
        var mapper = org.deeplearning4j.nn.conf.NeuralNetConfiguration.mapper();
        var a = (org.nd4j.shade.jackson.databind.node.ObjectNode) mapper.readTree(mapper.writeValueAsString(std));
        var b = (org.nd4j.shade.jackson.databind.node.ObjectNode) mapper.readTree(mapper.writeValueAsString(ours));
        a.remove("@class");
        b.remove("@class");
        assertEquals(a, b, "every setting but the class name");
    }

    @Test
    void oneDnnPathMatchesTheBuiltInPath() {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 28, 1, 7);
        MultiLayerNetwork fast = build(f);
        MultiLayerNetwork ref = builtIn(f);
        ref.setParams(fast.params().dup());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, f.inputLength());
        INDArray y = Nd4j.create(DataType.FLOAT, 16, f.repDim());
        for (int i = 0; i < 16; i += 3) {
            y.getRow(i).assign(-1); // some labelled anomalies
        }
        assertClose(ref.output(x, false), fast.output(x, false), "inference");
        INDArray gFast = gradient(fast, x, y);
        INDArray gRef = gradient(ref, x, y);
        long offset = 0;
        for (var e : ref.paramTable().entrySet()) { // the flattened gradient follows the parameter order
            long n = e.getValue().length();
            if (e.getKey().endsWith("_W")) { // running statistics are not trained by gradients
                assertClose(gRef.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + n)),
                        gFast.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + n)),
                        "gradient " + e.getKey());
            }
            offset += n;
        }
        assertEquals(ref.params().length(), offset);
        assertEquals(ref.score(), fast.score(), 1e-4 * Math.abs(ref.score()));
    }

    @Test
    void trainingStepsMatchTheBuiltInPathWithAndWithoutBlasStatistics() {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 28, 1, 11);
        MultiLayerNetwork ref = builtIn(f);
        MultiLayerNetwork blas = build(f);
        MultiLayerNetwork exact;
        System.setProperty(FastPaths.BN_BLAS_STATISTICS, "false");
        try {
            exact = build(f);
        } finally {
            System.clearProperty(FastPaths.BN_BLAS_STATISTICS);
        }
        blas.setParams(ref.params().dup());
        exact.setParams(ref.params().dup());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, f.inputLength());
        INDArray y = Nd4j.create(DataType.FLOAT, 32, f.repDim());
        var ds = new org.nd4j.linalg.dataset.DataSet(x, y);
        for (int step = 0; step < 3; step++) { // running statistics after three steps
            ref.fit(ds);
            blas.fit(ds);
            exact.fit(ds);
        }
        int checked = 0;
        for (var e : ref.paramTable().entrySet()) {
            // weights: the gradients are compared above; after Adam steps a weight whose gradient is about 0 may
            // move ±lr on either path, so the running statistics are what is checked here
            if (!e.getKey().endsWith("_W")) {
                assertClose(e.getValue(), blas.paramTable().get(e.getKey()), "BLAS statistics: " + e.getKey());
                assertClose(e.getValue(), exact.paramTable().get(e.getKey()), "DL4J statistics: " + e.getKey());
                checked++;
            }
        }
        assertEquals(6, checked, "mean and variance of three batch norms");
    }

    @Test
    void blasBatchStatisticsAreExactOrDeclined() {
        var helper = new NonAffineBatchNorm.LockedGammaBetaHelper(DataType.FLOAT);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 6, 6).subi(0.5).muli(4);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .addi(2); // a channel whose mean is about its spread
        INDArray mean = Nd4j.create(DataType.FLOAT, 3);
        INDArray var = Nd4j.create(DataType.FLOAT, 3);
        assertTrue(helper.batchStatistics(x, mean, var, Nd4j.create(DataType.FLOAT, x.shape())));
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray expectedMean = xd.mean(0, 2, 3);
        INDArray expectedVar = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.summarystats.Variance(xd, false, 0, 2, 3));
        assertClose(expectedMean, mean.castTo(DataType.DOUBLE), "mean");
        assertTrue(expectedVar.sub(var.castTo(DataType.DOUBLE)).div(expectedVar).amaxNumber().doubleValue() < 1e-5,
                "variance within 1e-5 relative");

        INDArray far = x.add(1000); // mean² ≫ 100 × variance: the float sum of squares is not trusted
        assertTrue(!helper.batchStatistics(far, mean, var, Nd4j.create(DataType.FLOAT, x.shape())),
                "declined, so DL4J's exact reduction runs");
        INDArray constant = Nd4j.zeros(DataType.FLOAT, 4, 2, 3, 3).addi(3);
        assertTrue(!helper.batchStatistics(constant, Nd4j.create(DataType.FLOAT, 2), Nd4j.create(DataType.FLOAT, 2),
                Nd4j.create(DataType.FLOAT, constant.shape())), "a constant non-zero channel (variance 0) is declined too");
    }

    @Test
    void fastLeakyReluIsNd4jsLeakyRelu() {
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 5, 5).subi(0.5);
        x.putScalar(0, 0.0); // the kink itself
        INDArray eps = Nd4j.rand(DataType.FLOAT, 4, 3, 5, 5).subi(0.5);
        var nd4j = new org.nd4j.linalg.activations.impl.ActivationLReLU(0.01);
        var fast = new FastLeakyReLU(0.01);
        // elementwise products, no reduction: the same on any thread count, so exact equality is safe here
        INDArray forward = nd4j.getActivation(x.dup(), true).sub(fast.getActivation(x.dup(), true));
        assertEquals(0.0, forward.amaxNumber().doubleValue(), "forward, bit for bit");
        INDArray expected = nd4j.backprop(x.dup(), eps.dup()).getFirst();
        INDArray actual = fast.backprop(x.dup(), eps.dup()).getFirst();
        assertEquals(0.0, expected.sub(actual).amaxNumber().doubleValue(), "backward, bit for bit (the kink too)");
        assertTrue(x.lt(0).any() && x.gt(0).any(), "both sides of the kink are exercised");
    }

    @Test
    void convolutionsHandTheirForwardPassToTheBackwardPass() {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 28, 1, 17);
        MultiLayerNetwork net = build(f);
        var conv = (LinearConvolution.Runtime) net.getLayer(0);
        assertTrue(net.getLayer(4) instanceof LinearConvolution.Runtime, "conv 2");
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, f.inputLength());
        net.output(x, false);
        assertTrue(!conv.holdsPreOutput(), "inference keeps nothing");
        net.setInput(x);
        net.setLabels(Nd4j.create(DataType.FLOAT, 8, f.repDim()));
        net.feedForward(true, false);
        assertTrue(conv.holdsPreOutput(), "a training forward pass keeps its pre-activation");
        net.computeGradientAndScore();
        assertTrue(!conv.holdsPreOutput(), "the backward pass took it (once)");
        MultiLayerNetwork plain = builtIn(f);
        assertTrue(plain.getLayer(0) instanceof LinearConvolution.Runtime, "the same layer class without helpers");
        plain.feedForward(x, true);
        assertTrue(!((LinearConvolution.Runtime) plain.getLayer(0)).holdsPreOutput(),
                "DL4J's own path (no helper) needs its second forward: nothing kept");
    }

    /** @return the flattened gradient, copied out of the network's buffers */
    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.getFlattenedGradients().dup().reshape(-1);
    }

    /** Float results of two summation orders: relative to the largest magnitude. */
    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-3 * scale, what + ": max |diff| " + diff + " vs max |value| " + scale);
    }
}
