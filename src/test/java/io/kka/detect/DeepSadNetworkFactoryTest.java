package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.ConfigException;
import io.kka.config.EvaluatorConfig;
import io.kka.config.EvaluatorConfig.NetworkKind;
import io.kka.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DeepSadNetworkFactoryTest {

    private static EvaluatorConfig withNetwork(NetworkKind kind, int rep) {
        EvaluatorConfig d = EvaluatorConfig.defaults();
        return new EvaluatorConfig(EvaluatorConfig.Kind.DEEP_SAD, kind, rep, d.eta(), d.epsilon(), d.centerEps(), d.epochs(), d.learningRate(),
                d.weightDecay(), d.milestones(), 8, 2, 5, 0, d.pretrain(), d.simplenet(), d.mahalanobis());
    }

    private static MultiLayerNetwork deepSad(DeepSadNetworkFactory f) {
        MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(new DeepSadLoss(new double[f.repDim()], 1, 1e-6),
                1e-3, 0));
        net.init();
        return net;
    }

    @Test
    void architecturesAreBiasFreeAndFollowTheInputShape() {
        DeepSadNetworkFactory fm = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 28, 1, 1);
        assertEquals(NetworkKind.LENET28, fm.kind());
        MultiLayerNetwork net = deepSad(fm);
        assertEquals(List.of(16, 1, 5, 5), shape(net.paramTable().get("0_W")));
        assertEquals(List.of(1568, 128), shape(net.paramTable().get("8_W")));
        assertEquals(List.of(128, 64), shape(net.paramTable().get("11_W")));
        for (String k : net.paramTable().keySet()) {
            // only weights and batch-norm running statistics: no bias, no gamma/beta
            assertTrue(k.endsWith("_W") || k.endsWith("_mean") || k.endsWith("_log10stdev"), k);
        }
        assertEquals(12, fm.encoderLayers());
        INDArray probe = Nd4j.rand(DataType.FLOAT, 4, 784).subi(0.5);
        for (int i : new int[] {1, 5, 9}) { // batch norm without γ/β, then a leaky ReLU that really applies
            var bn = (org.deeplearning4j.nn.conf.layers.BatchNormalization) net.getLayerWiseConfigurations()
                    .getConf(i).getLayer();
            assertTrue(bn.isLockGammaBeta());
            // separate passes: DL4J's activation layer works in place on its input
            INDArray normed = net.feedForwardToLayer(i, probe, false).get(i + 1).dup();
            INDArray activated = net.feedForwardToLayer(i + 1, probe, false).get(i + 2);
            INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.leakyRelu(normed.dup(), 0.01);
            assertTrue(normed.minNumber().doubleValue() < 0, "some negative normalised values at layer " + i);
            assertEquals(0.0, expected.sub(activated).amaxNumber().doubleValue(), 1e-6, "leaky ReLU after " + i);
        }
        assertEquals(64, net.output(Nd4j.rand(DataType.FLOAT, 3, 784), false).columns());

        DeepSadNetworkFactory cifar = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 32, 3, 1);
        assertEquals(NetworkKind.LENET32, cifar.kind());
        MultiLayerNetwork c = deepSad(cifar);
        assertEquals(List.of(2048, 128), shape(c.paramTable().get("12_W")));
        assertEquals(128, c.output(Nd4j.rand(DataType.FLOAT, 2, 3072), false).columns());
        assertFalse(c.paramTable().keySet().stream().anyMatch(k -> k.endsWith("_b")));

        assertEquals(NetworkKind.LENET32, DeepSadNetworkFactory.of(withNetwork(NetworkKind.LENET32, 32), 16, 1, 1)
                .kind());
        var e = assertThrows(ConfigException.class, () -> DeepSadNetworkFactory.of(withNetwork(NetworkKind.LENET32,
                0), 28, 1, 1));
        assertTrue(e.getMessage().startsWith("evaluator.network"), e.getMessage());
        assertThrows(ConfigException.class, () -> DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 8, 1, 1)
                .autoencoder(1e-3, 0));
    }

    private static List<Integer> shape(INDArray a) {
        return java.util.Arrays.stream(a.shape()).mapToObj(v -> (int) v).toList();
    }

    /** Pretrained encoder weights (and batch-norm statistics) really arrive in the Deep SAD network. */
    @Test
    void pretrainedEncoderWeightsReachDeepSad() {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(withNetwork(NetworkKind.AUTO, 0), 28, 1, 4);
        MultiLayerNetwork ae = new MultiLayerNetwork(f.autoencoder(1e-3, 0));
        ae.init();
        INDArray before = ae.params().dup();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        JavaRDD<Examples.Example> data = Examples.of(DetectFixtures.frame(SparkTestSession.get(), 28, 8,
                new int[] {40}, new int[] {0}, "ae"), 28, 1, 2);
        try {
            // 10 minibatches of 4, averaging every 2: dl4j-spark alone would skip some; the rounds fit all 40
            SparkEpochs.Result r = new SparkEpochs(sc, 2, 4, 2, 0, 4, false).fit(ae, data,
                    Examples.Target.AUTOENCODER, f.repDim(), new SparkEpochs.Schedule("autoencoder", 1, 1e-3,
                            List.of()));
            assertEquals(40, r.examples());
        } finally {
            data.unpersist();
        }
        assertFalse(before.equals(ae.params()), "pretraining should change the autoencoder");
        MultiLayerNetwork sad = deepSad(f);
        DeepSadNetworkFactory.transferEncoder(ae, sad, f.encoderLayers());
        for (int i = 0; i < f.encoderLayers(); i++) {
            Map<String, INDArray> a = ae.getLayer(i).paramTable();
            Map<String, INDArray> s = sad.getLayer(i).paramTable();
            assertEquals(a.keySet(), s.keySet(), "layer " + i);
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).ravel().toFloatVector(), s.get(k).ravel().toFloatVector(),
                        "layer " + i + " " + k);
            }
        }
        // and Deep SAD then computes exactly the autoencoder's code
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 784);
        assertArrayEquals(ae.feedForwardToLayer(f.encoderLayers() - 1, x, false).get(f.encoderLayers()).ravel()
                .toFloatVector(), sad.output(x, false).ravel().toFloatVector(), 1e-6f);
    }
}
