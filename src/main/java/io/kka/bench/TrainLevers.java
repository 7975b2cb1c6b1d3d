package io.kka.bench;

import io.kka.config.EvaluatorConfig;
import io.kka.detect.DeepSadLoss;
import io.kka.detect.DeepSadNetworkFactory;
import io.kka.detect.FastPaths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each of the training-path fixes ({@link FastPaths}) alone, against DL4J's own path and all of them, side by side
 * in one JVM: one network per setting, the same minibatch, fitted in rotated order so that every setting sees the
 * same machine load. Throughput only: the minibatch is seeded uniform noise of the network's input shape.
 */
final class TrainLevers {
    /** Samples per second of one setting. */
    record Rate(String setting, double samplesPerSecond) {
    }

    private TrainLevers() {
    }

    /**
     * @param cfg    evaluator config (network, learning rate, weight decay)
     * @param side   image side
     * @param batch  minibatch size
     * @param steps  timed steps per setting, after 5 warm-up steps each
     * @param seed   seed of weights and the minibatch
     * @return one rate per {@link FastPaths#LEVERS} setting, in that order
     */
    static List<Rate> measure(EvaluatorConfig cfg, int side, int batch, int steps, long seed) {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(cfg, side, 1, seed);
        double[] c = new double[f.repDim()];
        Arrays.fill(c, 0.1);
        List<MultiLayerNetwork> nets = new ArrayList<>();
        try {
            for (FastPaths.Setting s : FastPaths.LEVERS) {
                s.apply();
                MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(new DeepSadLoss(c, cfg.eta(),
                        cfg.epsilon()), cfg.learningRate(), cfg.weightDecay()));
                net.init();
                nets.add(net);
            }
        } finally {
            FastPaths.clear();
        }
        Nd4j.getRandom().setSeed(seed);
        DataSet ds = new DataSet(Nd4j.rand(DataType.FLOAT, batch, f.inputLength()),
                Nd4j.create(DataType.FLOAT, batch, f.repDim()));
        for (MultiLayerNetwork net : nets) {
            for (int i = 0; i < 5; i++) {
                net.fit(ds);
            }
        }
        int k = nets.size();
        long[] nanos = new long[k];
        for (int r = 0; r < steps; r++) {
            for (int i = 0; i < k; i++) {
                int j = (i + r) % k;
                long t0 = System.nanoTime();
                nets.get(j).fit(ds);
                nanos[j] += System.nanoTime() - t0;
            }
        }
        List<Rate> out = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            out.add(new Rate(FastPaths.LEVERS.get(j).name(), (double) batch * steps / (nanos[j] / 1e9)));
        }
        return out;
    }

    /** @return setting → rate ÷ DL4J's own path's rate */
    static Map<String, Double> speedups(List<Rate> rates) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Rate r : rates) {
            m.put(r.setting(), r.samplesPerSecond() / rates.get(0).samplesPerSecond());
        }
        return m;
    }
}
