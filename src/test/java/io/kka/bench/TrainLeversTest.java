package io.kka.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import io.kka.detect.FastPaths;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainLeversTest {
    @Test
    void everySettingIsMeasuredAndTheSwitchesAreClearedAfterwards() {
        List<TrainLevers.Rate> rates = TrainLevers.measure(EvaluatorConfig.defaults(), 8, 16, 2, 3);
        assertEquals(FastPaths.LEVERS.stream().map(FastPaths.Setting::name).toList(),
                rates.stream().map(TrainLevers.Rate::setting).toList());
        for (TrainLevers.Rate r : rates) {
            assertTrue(r.samplesPerSecond() > 0 && Double.isFinite(r.samplesPerSecond()), r.toString());
        }
        assertEquals(1.0, TrainLevers.speedups(rates).get("dl4j"), 1e-12);
        assertNull(System.getProperty(FastPaths.BN_BLAS_STATISTICS));
        assertNull(System.getProperty(FastPaths.ND4J_LEAKY_RELU));
        assertNull(System.getProperty(FastPaths.DL4J_CONVOLUTION));
    }

    @Test
    void theDl4jSettingBuildsDl4jsLayersAndTheDefaultOurs() {
        var f = io.kka.detect.DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 8, 1, 1);
        var loss = new io.kka.detect.DeepSadLoss(new double[f.repDim()], 1.0, 1e-6);
        FastPaths.LEVERS.get(0).apply();
        org.deeplearning4j.nn.conf.MultiLayerConfiguration dl4j;
        try {
            dl4j = f.deepSad(loss, 1e-3, 0);
        } finally {
            FastPaths.clear();
        }
        var ours = f.deepSad(loss, 1e-3, 0);
        assertEquals(org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class,
                dl4j.getConf(0).getLayer().getClass());
        assertEquals(io.kka.detect.LinearConvolution.class, ours.getConf(0).getLayer().getClass());
        var dl4jAct = ((org.deeplearning4j.nn.conf.layers.ActivationLayer) dl4j.getConf(2).getLayer())
                .getActivationFn();
        var ourAct = ((org.deeplearning4j.nn.conf.layers.ActivationLayer) ours.getConf(2).getLayer())
                .getActivationFn();
        assertEquals(org.nd4j.linalg.activations.impl.ActivationLReLU.class, dl4jAct.getClass());
        assertEquals(io.kka.detect.FastLeakyReLU.class, ourAct.getClass());
    }
}
