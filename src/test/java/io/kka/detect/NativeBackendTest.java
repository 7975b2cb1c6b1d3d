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
