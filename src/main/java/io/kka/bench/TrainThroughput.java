package io.kka.bench;

import io.kka.detect.DeepSadModel;
import io.kka.detect.Pixels;
import io.kka.detect.ThreadLimit;
import io.kka.detect.NetSnapshot;
import io.kka.detect.SparkEpochs;
import io.kka.detect.Examples;
import io.kka.detect.DeepSadLoss;
import io.kka.detect.DeepSadNetworkFactory;
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
import io.kka.data.Columns;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures Deep SAD training throughput of the same network on the same data twice: plain single-JVM DL4J
 * ({@code MultiLayerNetwork.fit} over in-memory minibatches) and DL4J-on-Spark (this package's parameter-averaging
 * loop). Each side gets one untimed warm-up epoch. Then scoring: the network alone over in-memory batches of
 * {@value #SCORE_BATCH} (what a PyTorch inference loop measures) and the whole Spark scoring path
 * ({@link DeepSadModel#score}: PNG decoding, batching, the network, ‖φ(x) − c‖²).
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
     * @param scoring        scoring throughput
     * @param shape          the network's input and output sizes
     */
    public record Result(long examples, double singleJvmSps, double sparkSps, double conversionSecs,
            String sparkStats, Scoring scoring, Shape shape) {
    }

    /**
     * @param singleJvmSps samples/s of {@code MultiLayerNetwork.output} on in-memory batches, then ‖z − c‖²
     * @param sparkSps     samples/s of {@link DeepSadModel#score} over the cached rows, PNG decoding included
     * @param passes       timed passes over the examples (after one warm-up pass)
     */
    public record Scoring(double singleJvmSps, double sparkSps, int passes) {
    }

    /**
     * @param side     image side
     * @param channels channels
     * @param repDim   representation size
     */
    public record Shape(int side, int channels, int repDim) {
    }

    /** Scoring minibatch, as in the Spark scoring path. */
    public static final int SCORE_BATCH = 256;
    /** Timed scoring passes. */
    public static final int SCORE_PASSES = 3;
    /** The centre every side uses (a fixed c: throughput does not depend on it). */
    public static final double CENTER = 0.1;

    /**
     * @param train  rows with {@code image} and {@code sad_label}
     * @param cfg    evaluator config (network, batch size, workers, averaging frequency, learning rate)
     * @param epochs timed epochs per side
     * @param seed   seed
     * @param stats  collect DL4J's Spark training statistics (adds a little overhead)
     * @return the measurements
     */
    public static Result measure(Dataset<Row> train, EvaluatorConfig cfg, int epochs, long seed, boolean stats) {
        return measure(train, cfg, epochs, seed, stats, null);
    }

    /**
     * As {@link #measure(Dataset, EvaluatorConfig, int, long, boolean)}, and first writes the examples for a
     * reference implementation: little-endian float32 {@code [n, channels, side, side]} in [0, 1] to
     * {@code export.examples()} and int8 labels to {@code export.labels()}, in the order of the single-JVM side.
     *
     * @param export where to write them, or null
     * @return the measurements
     */
    public static Result measure(Dataset<Row> train, EvaluatorConfig cfg, int epochs, long seed, boolean stats,
            Export export) {
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
            java.util.Arrays.fill(c, CENTER);
            DeepSadLoss loss = new DeepSadLoss(c, cfg.eta(), cfg.epsilon());
            // a bench over a bounded sample (--max-train): these rows are the measured data, not a corpus
            List<Examples.Example> local = examples.collect();
            if (export != null) {
                export.write(local);
            }
            MultiLayerNetwork singleNet = network(f, loss, cfg);
            double single = singleJvm(singleNet, f, cfg, local, epochs, seed);
            LOG.info("single JVM: {} samples/s", Math.round(single));
            double singleScore = singleJvmScoring(singleNet, f, local, c);
            LOG.info("single JVM scoring: {} samples/s", Math.round(singleScore));
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
            double sparkScore = sparkScoring(train, warm, f, c);
            LOG.info("Spark scoring: {} samples/s", Math.round(sparkScore));
            return new Result(n, single, r.examples() / r.seconds(), conversion, st == null ? "" : st.statsAsString(),
                    new Scoring(singleScore, sparkScore, SCORE_PASSES), new Shape(f.side(), f.channels(), f.repDim()));
        } finally {
            examples.unpersist(false);
        }
    }

    /**
     * @param cfg   evaluator config
     * @param spark session
     * @return the native threads each training worker uses (-1: ND4J's default)
     */
    public static int threadsPerWorker(EvaluatorConfig cfg, org.apache.spark.sql.SparkSession spark) {
        return ThreadLimit.resolve(cfg.threadsPerWorker(), JavaSparkContext.fromSparkContext(spark.sparkContext()));
    }

    private static MultiLayerNetwork network(DeepSadNetworkFactory f, DeepSadLoss loss, EvaluatorConfig cfg) {
        MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(loss, cfg.learningRate(), cfg.weightDecay()));
        net.init();
        return net;
    }

    private static double singleJvm(MultiLayerNetwork net, DeepSadNetworkFactory f, EvaluatorConfig cfg,
            List<Examples.Example> all, int epochs, long seed) {
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

    /** Network inference on in-memory batches plus the distance to c: one warm-up pass, then timed passes. */
    private static double singleJvmScoring(MultiLayerNetwork net, DeepSadNetworkFactory f,
            List<Examples.Example> rows, double[] c) {
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += SCORE_BATCH) {
            batches.add(Examples.toDataSet(rows.subList(from, Math.min(rows.size(), from + SCORE_BATCH)),
                    Examples.Target.DEEP_SAD, f.repDim()));
        }
        INDArray centre = Nd4j.createFromArray(c).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .reshape(1, c.length);
        double checksum = 0;
        long start = 0;
        for (int pass = 0; pass <= SCORE_PASSES; pass++) {
            if (pass == 1) {
                start = System.nanoTime();
            }
            for (DataSet b : batches) {
                INDArray z = net.output(b.getFeatures(), false);
                checksum += z.subRowVector(centre).norm2(1).sumNumber().doubleValue();
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (!Double.isFinite(checksum)) {
            throw new IllegalStateException("scoring produced a non-finite distance");
        }
        return (double) rows.size() * SCORE_PASSES / secs;
    }

    /** {@link DeepSadModel#score} over the cached rows: one warm-up pass, then timed passes. */
    private static double sparkScoring(Dataset<Row> rows, MultiLayerNetwork net, DeepSadNetworkFactory f,
            double[] c) {
        DeepSadModel model = DeepSadModel.of(net, c, f.side(), f.channels(),
                f.kind().name().toLowerCase(java.util.Locale.ROOT));
        long n = 0;
        long start = 0;
        for (int pass = 0; pass <= SCORE_PASSES; pass++) {
            if (pass == 1) {
                start = System.nanoTime();
            }
            // an aggregate forces every score without bringing rows to the driver
            Row agg = model.score(rows).agg(org.apache.spark.sql.functions.count(Columns.SCORE),
                    org.apache.spark.sql.functions.sum(Columns.SCORE)).head();
            if (!Double.isFinite(agg.getDouble(1))) {
                throw new IllegalStateException("Spark scoring produced a non-finite score");
            }
            n += pass > 0 ? agg.getLong(0) : 0;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Where {@link #measure(Dataset, EvaluatorConfig, int, long, boolean, Export)} writes the examples for a
     * reference implementation.
     *
     * @param examples float32 pixels file
     * @param labels   int8 labels file
     */
    public record Export(java.nio.file.Path examples, java.nio.file.Path labels) {
        void write(List<Examples.Example> rows) {
            try (var px = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    java.nio.file.Files.newOutputStream(examples), 1 << 16));
                    var ys = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(labels))) {
                for (Examples.Example e : rows) {
                    for (byte b : e.chw()) {
                        px.writeInt(Integer.reverseBytes(Float.floatToIntBits((b & 0xff) / 255f)));
                    }
                    ys.write(e.y());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("writing the reference examples to " + examples, e);
            }
        }
    }
}
