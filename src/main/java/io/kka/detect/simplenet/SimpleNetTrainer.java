package io.kka.detect.simplenet;

import io.kka.config.SimpleNetConfig;
import io.kka.detect.DeepSadModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains SimpleNet's adaptor and discriminator on encoder features, on the Spark workers: the features stay in one
 * cached {@link FeatureShards.Shard} per worker; each epoch every worker shuffles its rows (seeded by seed, epoch
 * and partition), cuts them into minibatches and runs Adam on them locally, and every {@code averagingFrequency}
 * minibatches the driver averages the workers' parameters and optimiser state (parameter averaging, as DL4J-on-Spark
 * trains Deep SAD). The driver holds one parameter vector per worker (O(workers · (d² + h·d)) doubles, nothing that
 * grows with the corpus). Given the seed and the number of workers the result is the same whatever the input's
 * partitioning: rows are hash-partitioned by sample id, and the averages are summed in partition order.
 */
final class SimpleNetTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SimpleNetTrainer.class);

    private final SimpleNetConfig cfg;
    private final int workers;
    private final int averagingFrequency;
    private final long seed;

    private SimpleNetTrainer(SimpleNetConfig cfg, int workers, int averagingFrequency, long seed) {
        this.cfg = cfg;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
        this.seed = seed;
    }

    /**
     * @param cfg                SimpleNet settings
     * @param workers            training partitions (0: Spark's default parallelism)
     * @param averagingFrequency minibatches per worker between averaging rounds, ≥ 1
     * @param seed               initialisation, shuffling and noise seed
     * @return the trainer
     */
    static SimpleNetTrainer of(SimpleNetConfig cfg, int workers, int averagingFrequency, long seed) {
        return new SimpleNetTrainer(cfg, workers, averagingFrequency, seed);
    }

    /** What a worker returns from one round. */
    private record RoundResult(TrainingState state, int steps, double loss, long positives, long negatives,
            long trueAbove, long fakeBelow) implements Serializable {
    }

    /**
     * @param train   rows with {@code image}, {@code sad_label} (−1: labelled anomaly, a negative) and
     *                {@code sample_id}
     * @param encoder the encoder whose φ(x) are the features
     * @return the trained model
     * @throws io.kka.data.InvalidInputException for no training normals or null labels
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    SimpleNetModel fit(Dataset<Row> train, DeepSadModel encoder) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        int parts = workers > 0 ? workers : sc.defaultParallelism();
        JavaRDD<FeatureShards.Shard> shards = FeatureShards.of(train, encoder, parts);
        try {
            FeatureScale scale = FeatureShards.scale(shards);
            int d = scale.mean().length;
            int h = cfg.hiddenFor(d);
            List<Integer> sizes = shards.map(FeatureShards.Shard::size).collect();
            long anomalies = shards.map(s -> {
                long n = 0;
                for (boolean a : s.anomaly()) {
                    n += a ? 1 : 0;
                }
                return n;
            }).reduce(Long::sum);
            int batch = cfg.batchSize();
            int most = sizes.stream().mapToInt(n -> (n + batch - 1) / batch).max().orElse(0);
            int rounds = Math.max(1, (most + averagingFrequency - 1) / averagingFrequency);
            LOG.info("SimpleNet on {} features (hidden {}): {} rows ({} labelled anomalies) on {} workers, {} epochs"
                    + " of {} averaging rounds, noise σ {} of the normals' spread {}", d, h,
                    sizes.stream().mapToLong(Integer::longValue).sum(), anomalies, parts, cfg.epochs(), rounds,
                    cfg.noiseStd(), String.format(Locale.ROOT, "%.4g", scale.scale()));
            TrainingState state = TrainingState.of(SimpleNetHead.init(d, h, mix(seed, 0x5EED)));
            List<Double> losses = new ArrayList<>();
            for (int e = 0; e < cfg.epochs(); e++) {
                double loss = 0;
                long steps = 0;
                long pos = 0;
                long neg = 0;
                long above = 0;
                long below = 0;
                for (int r = 0; r < rounds; r++) {
                    List<RoundResult> out = round(sc, shards, state, scale, e, r);
                    List<TrainingState> trained = new ArrayList<>();
                    for (RoundResult o : out) {
                        if (o.steps() > 0) {
                            trained.add(o.state());
                            loss += o.loss();
                            steps += o.steps();
                            pos += o.positives();
                            neg += o.negatives();
                            above += o.trueAbove();
                            below += o.fakeBelow();
                        }
                    }
                    if (!trained.isEmpty()) {
                        state = TrainingState.average(trained);
                    }
                }
                double mean = steps == 0 ? Double.NaN : loss / steps;
                if (!Double.isFinite(mean)) {
                    throw new IllegalStateException("SimpleNet training diverged in epoch " + (e + 1) + " (loss "
                            + mean + "); lower evaluator.simplenet.learning_rate");
                }
                losses.add(mean);
                LOG.info(String.format(Locale.ROOT, "simplenet epoch %d/%d: loss %.5f, p_true %.3f, p_fake %.3f",
                        e + 1, cfg.epochs(), mean, pos == 0 ? Double.NaN : (double) above / pos,
                        neg == 0 ? Double.NaN : (double) below / neg));
            }
            return new SimpleNetModel(encoder, scale, state.head, cfg.noiseStd(), cfg.margin(), losses);
        } finally {
            shards.unpersist(false);
        }
    }

    /** One averaging round: minibatches [r·f, (r+1)·f) of every worker's epoch-e order, from the same state. */
    private List<RoundResult> round(JavaSparkContext sc, JavaRDD<FeatureShards.Shard> shards, TrainingState state,
            FeatureScale scale, int epoch, int r) {
        Broadcast<TrainingState> bc = sc.broadcast(state);
        // locals only: the lambda must not capture this
        long s = seed;
        int batch = cfg.batchSize();
        int from = r * averagingFrequency;
        int to = from + averagingFrequency;
        double sigma = cfg.noiseStd();
        double margin = cfg.margin();
        double rateA = cfg.adaptorLearningRate();
        double rateD = cfg.learningRate();
        try {
            return shards.mapPartitionsWithIndex((idx, it) -> {
                if (!it.hasNext()) {
                    return List.of(new RoundResult(null, 0, 0, 0, 0, 0, 0)).iterator();
                }
                FeatureShards.Shard shard = it.next();
                TrainingState local = bc.value().copy();
                List<Integer> order = new ArrayList<>(shard.size());
                for (int i = 0; i < shard.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(mix(s, epoch, idx)));
                int steps = 0;
                double loss = 0;
                long pos = 0;
                long neg = 0;
                long above = 0;
                long below = 0;
                for (int b = from; b < to && b * batch < order.size(); b++) {
                    List<Integer> rows = order.subList(b * batch, Math.min(order.size(), (b + 1) * batch));
                    TruncatedL1.Result res = step(shard, rows, scale, sigma, margin, new Random(mix(s, epoch, idx,
                            b)), local);
                    if (res == null) {
                        continue;
                    }
                    local.step(res, rateA, rateD);
                    steps++;
                    loss += res.loss();
                    pos += res.positives();
                    neg += res.negatives();
                    above += res.trueAbove();
                    below += res.fakeBelow();
                }
                return List.of(new RoundResult(steps > 0 ? local : null, steps, loss, pos, neg, above, below))
                        .iterator();
            }, true).collect();
        } finally {
            bc.destroy();
        }
    }

    /** The loss and gradient of one minibatch, or null for a batch too small for batch norm. */
    private static TruncatedL1.Result step(FeatureShards.Shard shard, List<Integer> rows, FeatureScale scale,
            double sigma, double margin, Random noise, TrainingState state) {
        List<double[]> normals = new ArrayList<>();
        List<double[]> anomalies = new ArrayList<>();
        for (int i : rows) {
            (shard.anomaly()[i] ? anomalies : normals).add(scale.apply(shard.x()[i]));
        }
        if (2 * normals.size() + anomalies.size() < 2) {
            return null;
        }
        int d = scale.mean().length;
        double[][] eps = new double[normals.size()][d];
        for (double[] e : eps) {
            for (int j = 0; j < d; j++) {
                e[j] = sigma * noise.nextGaussian();
            }
        }
        return TruncatedL1.of(state.head, normals.toArray(new double[0][]), eps, anomalies.toArray(new double[0][]),
                margin);
    }

    /** @return a well-mixed 64-bit seed of the parts (SplitMix64's finaliser over a running hash) */
    static long mix(long... parts) {
        long z = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            z += p * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }
}
