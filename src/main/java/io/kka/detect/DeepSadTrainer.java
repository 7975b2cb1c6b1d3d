package io.kka.detect;

import static org.apache.spark.sql.functions.col;

import io.kka.config.EvaluatorConfig;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains Deep SAD (Ruff et al. 2020; the paper's Eq. 5) on DL4J-on-Spark: optional autoencoder pretraining whose
 * encoder weights are copied into the Deep SAD net, the centre c from a forward pass over the training normals,
 * then Adam with L2 weight decay and learning-rate milestones under parameter averaging. Without labelled
 * anomalies this is Deep SVDD, the "No anomalies" baseline.
 */
public final class DeepSadTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DeepSadTrainer.class);

    private final EvaluatorConfig cfg;
    private final long seed;

    private DeepSadTrainer(EvaluatorConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    /**
     * @param cfg  evaluator config
     * @param seed weight initialisation, shuffling and averaging seed
     * @return the trainer
     */
    public static DeepSadTrainer of(EvaluatorConfig cfg, long seed) {
        return new DeepSadTrainer(cfg, seed);
    }

    /**
     * @param train rows with {@code image} (square PNG, all of one shape) and {@code sad_label} (int −1, 0, +1,
     *              see {@link SadLabel}); {@code sample_id} names bad rows in errors
     * @return the trained model
     * @throws InvalidInputException for an empty frame, null labels, no normals or mixed image shapes
     */
    public DeepSadModel fit(Dataset<Row> train) {
        Setup st = setup(train, "Deep SAD training set is empty");
        DeepSadNetworkFactory factory = st.factory();
        try {
            Map<Integer, Long> counts = new TreeMap<>(st.examples().map(e -> (int) e.y()).countByValue());
            LOG.info("Deep SAD training on {}x{}x{} images ({}, rep {}), {} workers; rows per sad_label: {}",
                    factory.side(), factory.side(), factory.channels(),
                    factory.kind().name().toLowerCase(Locale.ROOT), factory.repDim(), st.workers(), counts);
            MultiLayerNetwork initial = initialNetwork(factory, st.loop(), st.examples());
            double[] c = st.center(initial);
            MultiLayerNetwork net = new MultiLayerNetwork(factory.deepSad(
                    new DeepSadLoss(c, cfg.eta(), cfg.epsilon()), cfg.learningRate(), cfg.weightDecay()));
            net.init();
            net.setParams(initial.params());
            SparkEpochs.Result r = st.loop().fit(net, st.examples(), Examples.Target.DEEP_SAD, factory.repDim(),
                    new SparkEpochs.Schedule("deep-sad", cfg.epochs(), cfg.learningRate(), cfg.milestones()));
            return new DeepSadModel(NetSnapshot.of(net), c, factory.side(), factory.channels(),
                    factory.kind().name().toLowerCase(Locale.ROOT), r.losses());
        } finally {
            st.examples().unpersist(false);
        }
    }

    /**
     * The encoder φ before any Deep SAD training: a Deep SAD network whose encoder layers are copied from an
     * autoencoder pretrained on {@code train} (evaluator.pretrain), with its centre c. Eq. 1–2's learned features at
     * iteration 0, when no confusion evaluator exists yet.
     *
     * @param train rows with {@code image} and {@code sad_label} (normals)
     * @return the pretrained encoder as a model (scores are distances to c, embeddings are φ)
     * @throws IllegalStateException if evaluator.pretrain is not enabled
     */
    public DeepSadModel pretrained(Dataset<Row> train) {
        if (!cfg.pretrain().enabled()) {
            throw new IllegalStateException("a pretrained encoder needs evaluator.pretrain.enabled: true");
        }
        Setup st = setup(train, "no training rows to pretrain an encoder on");
        try {
            MultiLayerNetwork net = initialNetwork(st.factory(), st.loop(), st.examples());
            return new DeepSadModel(NetSnapshot.of(net), st.center(net), st.factory().side(), st.factory().channels(),
                    st.factory().kind().name().toLowerCase(Locale.ROOT) + "-pretrained", List.of());
        } finally {
            st.examples().unpersist(false);
        }
    }

    /**
     * What every training needs: the network factory for the images' shape, the cached examples (the caller
     * unpersists them) and the epoch loop.
     */
    private record Setup(DeepSadNetworkFactory factory, JavaSparkContext sc, int workers,
            JavaRDD<Examples.Example> examples, SparkEpochs loop, int threads, double centerEps) {
        double[] center(MultiLayerNetwork net) {
            return Centers.compute(sc, net, examples, factory.repDim(), centerEps, threads);
        }
    }

    private Setup setup(Dataset<Row> train, String emptyMessage) {
        SampleSchema.require(train, Columns.IMAGE, SadLabel.COLUMN);
        List<Row> first = train.select(col(Columns.IMAGE)).where(col(Columns.IMAGE).isNotNull()).limit(1)
                .collectAsList();
        if (first.isEmpty()) {
            throw new InvalidInputException(emptyMessage);
        }
        int[] shape = Pixels.shape((byte[]) first.get(0).get(0), "(first training row)");
        DeepSadNetworkFactory factory = DeepSadNetworkFactory.of(cfg, shape[0], shape[1], seed);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        int workers = cfg.workers() > 0 ? cfg.workers() : sc.defaultParallelism();
        JavaRDD<Examples.Example> examples = Examples.of(train, factory.side(), factory.channels(), workers);
        SparkEpochs loop = new SparkEpochs(sc, workers, cfg.batchSizePerWorker(), cfg.averagingFrequency(),
                cfg.threadsPerWorker(), seed, false);
        return new Setup(factory, sc, workers, examples, loop, ThreadLimit.resolve(cfg.threadsPerWorker(), sc),
                cfg.centerEps());
    }

    /** A freshly initialised Deep SAD net, with the pretrained autoencoder's encoder copied in if enabled. */
    private MultiLayerNetwork initialNetwork(DeepSadNetworkFactory factory, SparkEpochs loop,
            JavaRDD<Examples.Example> examples) {
        MultiLayerNetwork net = new MultiLayerNetwork(factory.deepSad(
                new DeepSadLoss(new double[factory.repDim()], cfg.eta(), cfg.epsilon()), cfg.learningRate(),
                cfg.weightDecay()));
        net.init();
        EvaluatorConfig.PretrainConfig p = cfg.pretrain();
        if (p.enabled()) {
            MultiLayerNetwork ae = new MultiLayerNetwork(factory.autoencoder(p.learningRate(), p.weightDecay()));
            ae.init();
            loop.fit(ae, examples, Examples.Target.AUTOENCODER, factory.repDim(),
                    new SparkEpochs.Schedule("autoencoder", p.epochs(), p.learningRate(), List.of()));
            DeepSadNetworkFactory.transferEncoder(ae, net, factory.encoderLayers());
            LOG.info("copied {} pretrained encoder layers into the Deep SAD network", factory.encoderLayers());
        }
        return net;
    }
}
