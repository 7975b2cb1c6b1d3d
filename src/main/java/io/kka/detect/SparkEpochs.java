package io.kka.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop on DL4J-on-Spark: parameter averaging ({@code RDDTrainingApproach.Direct}) over
 * {@code workers} partitions, minibatches of {@code batchSizePerWorker}, averaging every
 * {@code averagingFrequency} minibatches, Adam state averaged too. The learning rate follows the milestones
 * (×0.1 at each); one log line per epoch with loss, throughput and ETA.
 *
 * <p>Each epoch is fed to the training master in rounds of at most {@code averagingFrequency} minibatches per
 * partition. Left to itself, dl4j-spark 1.0.0-M2 rounds the number of averaging splits down and lets each worker
 * fit at most {@code averagingFrequency} minibatches per split, silently skipping the rest (up to a third of an
 * epoch in our measurements); with rounds every minibatch is fitted exactly once per epoch.
 */
public final class SparkEpochs {
    private static final Logger LOG = LoggerFactory.getLogger(SparkEpochs.class);

    /**
     * What to train and how long.
     *
     * @param name         for the log ("deep-sad", "autoencoder")
     * @param epochs       epochs
     * @param learningRate initial learning rate
     * @param milestones   0-based epochs from which the rate is multiplied by a further 0.1
     */
    public record Schedule(String name, int epochs, double learningRate, List<Integer> milestones) {
        /** @return the learning rate of 0-based epoch {@code e} */
        double rateAt(int e) {
            long passed = milestones.stream().filter(m -> m <= e).count();
            return learningRate * Math.pow(0.1, passed);
        }
    }

    /**
     * What a training run did.
     *
     * @param losses   mean loss of each epoch
     * @param examples examples processed over all epochs
     * @param seconds  wall time of the epochs
     * @param spark    the Spark wrapper (training statistics when enabled)
     */
    public record Result(List<Double> losses, long examples, double seconds, SparkDl4jMultiLayer spark) {
    }

    private final JavaSparkContext sc;
    private final int workers;
    private final int batch;
    private final int averagingFrequency;
    private final int threadsPerWorker;
    private final long seed;
    private final boolean collectStats;

    /**
     * @param sc                 Spark context
     * @param workers            partitions of the examples = training workers
     * @param batch              minibatch size per worker
     * @param averagingFrequency minibatches per worker between averaging rounds
     * @param threadsPerWorker   native threads per worker: 0 = spark.task.cpus, -1 = ND4J's default
     * @param seed               shuffling seed
     * @param stats              collect DL4J's training statistics
     */
    public SparkEpochs(JavaSparkContext sc, int workers, int batch, int averagingFrequency, int threadsPerWorker, long seed,
            boolean stats) {
        this.sc = sc;
        this.workers = workers;
        this.batch = batch;
        this.averagingFrequency = averagingFrequency;
        this.threadsPerWorker = ThreadLimit.resolve(threadsPerWorker, sc);
        this.seed = seed;
        this.collectStats = stats;
    }

    /** @return the training master for one network */
    public ParameterAveragingTrainingMaster master(EpochMeter meter) {
        List<TrainingHook> hooks = new ArrayList<>(List.of(meter));
        if (threadsPerWorker > 0) {
            hooks.add(new ThreadLimit(threadsPerWorker));
        }
        return new RoundMaster(new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(null) // the epoch's minibatches are cached here; a round is a cheap filter of them
                .repartionData(Repartition.Never)
                .rngSeed(seed)
                .trainingHooks(hooks)
                .collectTrainingStats(collectStats));
    }

    /**
     * DL4J's parameter-averaging master, told how many minibatches the next round holds.
     *
     * <p>Each {@code fit} of DL4J's master first counts its RDD (a Spark job) to plan its averaging splits. A round
     * holds a number of minibatches this class already knows from the partition sizes, so the count job is skipped:
     * one Spark job less per round (40–80 ms each on 2 cores, against 500–900 ms of training in a round). Without
     * an expected count (any other caller) DL4J counts as before.
     */
    static final class RoundMaster extends ParameterAveragingTrainingMaster {
        private static final long serialVersionUID = 1L;
        private long expected = -1; // not transient: a deserialised master must not expect 0

        RoundMaster(ParameterAveragingTrainingMaster.Builder builder) {
            super(builder);
        }

        /** @param minibatches the number of minibatches of the next {@code fit}'s RDD */
        void expect(long minibatches) {
            expected = minibatches;
        }

        @Override
        protected <T, R extends org.apache.spark.api.java.JavaRDDLike<T, R>> long getTotalDataSetObjectCount(
                org.apache.spark.api.java.JavaRDDLike<T, R> data) {
            long n = expected;
            expected = -1;
            return n >= 0 ? n : super.getTotalDataSetObjectCount(data);
        }
    }

    /** @return the number of minibatches of each partition (the same in every epoch) */
    private int[] minibatches(JavaRDD<Examples.Example> examples) {
        int b = batch; // lambdas must not capture this (not serialisable)
        List<Integer> sizes = examples.mapPartitions(it -> {
            int n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        return sizes.stream().mapToInt(n -> (n + b - 1) / b).toArray();
    }

    /** @return the number of rounds that feed every minibatch of the largest partition */
    private int rounds(int[] minibatches) {
        int most = java.util.Arrays.stream(minibatches).max().orElse(0);
        return Math.max(1, (most + averagingFrequency - 1) / averagingFrequency);
    }

    /** @return the minibatches of round {@code r} over all partitions (what {@link #round} keeps) */
    static long roundSize(int[] minibatches, int r, int averagingFrequency) {
        long n = 0;
        for (int m : minibatches) {
            n += Math.max(0, Math.min(averagingFrequency, m - (long) r * averagingFrequency));
        }
        return n;
    }

    /** @return minibatches {@code [r·f, (r+1)·f)} of every partition */
    private JavaRDD<DataSet> round(JavaRDD<DataSet> batches, int r) {
        int from = r * averagingFrequency;
        int to = from + averagingFrequency;
        return batches.mapPartitions(it -> {
            List<DataSet> out = new ArrayList<>(to - from);
            for (int i = 0; i < to && it.hasNext(); i++) {
                DataSet ds = it.next();
                if (i >= from) {
                    out.add(ds);
                }
            }
            return out.iterator();
        }, true);
    }

    /**
     * Trains in place.
     *
     * @param net      the network (its parameters are updated)
     * @param examples cached examples, {@code workers} partitions
     * @param target   labels of the minibatches
     * @param repDim   representation size
     * @param s        schedule
     * @return losses, throughput and the Spark wrapper
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    public Result fit(MultiLayerNetwork net, JavaRDD<Examples.Example> examples, Examples.Target target,
            int repDim, Schedule s) {
        EpochMeter meter = new EpochMeter(sc.sc().doubleAccumulator(s.name() + " loss"),
                sc.sc().longAccumulator(s.name() + " examples"));
        RoundMaster master = (RoundMaster) master(meter);
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, master);
        int[] minibatches = minibatches(examples);
        int rounds = rounds(minibatches);
        long start = System.nanoTime();
        double rate = Double.NaN;
        List<Double> losses = new ArrayList<>();
        long seen = 0;
        for (int e = 0; e < s.epochs(); e++) {
            if (s.rateAt(e) != rate) {
                rate = s.rateAt(e);
                net.setLearningRate(rate); // changes the configuration that the next fit broadcasts
            }
            long t0 = System.nanoTime();
            meter.reset();
            epoch(spark, master, Examples.epoch(examples, batch, seed * 7919L + e, target, repDim), minibatches,
                    rounds);
            double secs = (System.nanoTime() - t0) / 1e9;
            double loss = meter.meanLoss();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(s.name() + " training diverged in epoch " + (e + 1) + " (loss "
                        + loss + "); lower the learning rate");
            }
            losses.add(loss);
            seen += meter.examples();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / (e + 1) * (s.epochs() - e - 1);
            LOG.info(String.format(Locale.ROOT, "%s epoch %d/%d: loss %.6g, lr %.3g, %.0f samples/s, ETA %s",
                    s.name(), e + 1, s.epochs(), loss, rate, meter.examples() / secs, duration(eta)));
        }
        return new Result(List.copyOf(losses), seen, (System.nanoTime() - start) / 1e9, spark);
    }

    /** One epoch: the shuffled minibatches, cached, fed in averaging rounds. */
    private void epoch(SparkDl4jMultiLayer spark, RoundMaster master, JavaRDD<DataSet> minibatches,
            int[] perPartition, int rounds) {
        JavaRDD<DataSet> batches = minibatches.persist(StorageLevel.MEMORY_ONLY());
        try {
            for (int r = 0; r < rounds; r++) {
                master.expect(roundSize(perPartition, r, averagingFrequency));
                spark.fit(round(batches, r));
            }
        } finally {
            batches.unpersist(false);
        }
    }

    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
