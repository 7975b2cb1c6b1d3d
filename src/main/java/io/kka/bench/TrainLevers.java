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
 *
 * <p>For the 28×28 LeNet a last setting, {@value #SAMEDIFF}, fits the same network and loss as a SameDiff graph
 * ({@link SameDiffLeNet}) instead of a {@code MultiLayerNetwork}, in the same rotation.
 */
final class TrainLevers {
    /** Samples per second of one setting. */
    record Rate(String setting, double samplesPerSecond) {
    }

    /** The name of the SameDiff setting. */
    static final String SAMEDIFF = "samediff";

    private TrainLevers() {
    }

    /**
     * @param cfg    evaluator config (network, learning rate, weight decay)
     * @param side   image side
     * @param batch  minibatch size
     * @param steps  timed steps per setting, after 5 warm-up steps each
     * @param seed   seed of weights and the minibatch
     * @return one rate per {@link FastPaths#LEVERS} setting, in that order, then {@value #SAMEDIFF} for the 28×28
     *         LeNet
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
        SameDiffLeNet graph = null;
        DataSet graphBatch = null;
        if (f.kind() == EvaluatorConfig.NetworkKind.LENET28 && side == 28 && f.channels() == 1) {
            graph = SameDiffLeNet.of(nets.get(0), new DeepSadLoss(c, cfg.eta(), cfg.epsilon()), cfg.learningRate());
            graphBatch = new DataSet(ds.getFeatures(), Nd4j.create(DataType.FLOAT, batch, 1));
        }
        for (MultiLayerNetwork net : nets) {
            for (int i = 0; i < 5; i++) {
                net.fit(ds);
            }
        }
        for (int i = 0; graph != null && i < 5; i++) {
            graph.fit(graphBatch);
        }
        int k = nets.size() + (graph == null ? 0 : 1);
        long[] nanos = new long[k];
        for (int r = 0; r < steps; r++) {
            for (int i = 0; i < k; i++) {
                int j = (i + r) % k;
                long t0 = System.nanoTime();
                if (j < nets.size()) {
                    nets.get(j).fit(ds);
                } else {
                    graph.fit(graphBatch);
                }
                nanos[j] += System.nanoTime() - t0;
            }
        }
        List<Rate> out = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            String name = j < nets.size() ? FastPaths.LEVERS.get(j).name() : SAMEDIFF;
            out.add(new Rate(name, (double) batch * steps / (nanos[j] / 1e9)));
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
