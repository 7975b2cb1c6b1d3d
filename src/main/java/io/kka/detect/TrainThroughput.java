package io.kka.detect;

import io.kka.config.EvaluatorConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures Deep SAD training throughput of the same network on the same data twice: plain single-JVM DL4J
 * ({@code MultiLayerNetwork.fit} over in-memory minibatches) and DL4J-on-Spark (this package's parameter-averaging
 * loop). Each side gets one untimed warm-up epoch.
 */
public final class TrainThroughput {
    private static final Logger LOG = LoggerFactory.getLogger(TrainThroughput.class);

    private TrainThroughput() {
    }

    /**
     * @param examples       training rows
     * @param singleJvmSps   samples/s of plain DL4J
     * @param sparkSps       samples/s through Spark
     * @param conversionSecs seconds to decode PNG rows into cached examples (excluded from both rates)
     * @param sparkStats     DL4J's training-master statistics of the timed Spark epochs (when requested)
     */
    public record Result(long examples, double singleJvmSps, double sparkSps, double conversionSecs,
            String sparkStats) {
    }

    /**
     * @param train  rows with {@code image} and {@code sad_label}
     * @param cfg    evaluator config (network, batch size, workers, averaging frequency, learning rate)
     * @param epochs timed epochs per side
     * @param seed   seed
     * @param stats  collect DL4J's Spark training statistics (adds a little overhead)
     * @return the measurements
     */
    public static Result measure(Dataset<Row> train, EvaluatorConfig cfg, int epochs, long seed, boolean stats) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        int[] shape = Pixels.shape((byte[]) train.select("image").head().get(0), "(first row)");
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(cfg, shape[0], shape[1], seed);
        int workers = cfg.workers() > 0 ? cfg.workers() : sc.defaultParallelism();
        long t0 = System.nanoTime();
        JavaRDD<Examples.Example> examples = Examples.of(train, f.side(), f.channels(), workers);
        long n = examples.count();
        double conversion = (System.nanoTime() - t0) / 1e9;
        try {
            double[] c = new double[f.repDim()];
            java.util.Arrays.fill(c, 0.1);
            DeepSadLoss loss = new DeepSadLoss(c, cfg.eta(), cfg.epsilon());
            double single = singleJvm(f, loss, cfg, examples.collect(), epochs, seed);
            LOG.info("single JVM: {} samples/s", Math.round(single));
            SparkEpochs loop = new SparkEpochs(sc, workers, cfg.batchSizePerWorker(), cfg.averagingFrequency(),
                    cfg.threadsPerWorker(), seed, false);
            MultiLayerNetwork warm = network(f, loss, cfg);
            loop.fit(warm, examples, Examples.Target.DEEP_SAD, f.repDim(),
                    new SparkEpochs.Schedule("warm-up", 1, cfg.learningRate(), List.of()));
            SparkEpochs timed = new SparkEpochs(sc, workers, cfg.batchSizePerWorker(), cfg.averagingFrequency(),
                    cfg.threadsPerWorker(), seed, stats);
            SparkEpochs.Result r = timed.fit(warm, examples, Examples.Target.DEEP_SAD, f.repDim(),
                    new SparkEpochs.Schedule("spark", epochs, cfg.learningRate(), List.of()));
            SparkTrainingStats st = stats ? r.spark().getSparkTrainingStats() : null;
            return new Result(n, single, r.examples() / r.seconds(), conversion, st == null ? "" : st.statsAsString());
        } finally {
            examples.unpersist(false);
        }
    }

    private static MultiLayerNetwork network(DeepSadNetworkFactory f, DeepSadLoss loss, EvaluatorConfig cfg) {
        MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(loss, cfg.learningRate(), cfg.weightDecay()));
        net.init();
        return net;
    }

    private static double singleJvm(DeepSadNetworkFactory f, DeepSadLoss loss, EvaluatorConfig cfg,
            List<Examples.Example> all, int epochs, long seed) {
        MultiLayerNetwork net = network(f, loss, cfg);
        List<Examples.Example> rows = new ArrayList<>(all);
        long seen = 0;
        long start = 0;
        for (int e = 0; e <= epochs; e++) {
            if (e == 1) {
                start = System.nanoTime(); // epoch 0 is the warm-up
            }
            Collections.shuffle(rows, new Random(seed + e));
            for (int from = 0; from < rows.size(); from += cfg.batchSizePerWorker()) {
                DataSet ds = Examples.toDataSet(rows.subList(from, Math.min(rows.size(), from
                        + cfg.batchSizePerWorker())), Examples.Target.DEEP_SAD, f.repDim());
                net.fit(ds);
                seen += e > 0 ? ds.numExamples() : 0;
            }
        }
        return seen / ((System.nanoTime() - start) / 1e9);
    }
}
