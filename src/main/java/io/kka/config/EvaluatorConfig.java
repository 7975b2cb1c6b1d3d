package io.kka.config;

import java.util.List;

/**
 * The confusion evaluator (Eq. 5), also the final detector ("SAD+KKA") and, without labelled anomalies, the
 * No-anomalies baseline (Deep SVDD for Deep SAD). {@code kind} chooses the detector; the Deep SAD settings (the
 * paper's evaluator, defaults after Ruff et al. 2020's reference code where our budget allows) also give the
 * encoder that the feature-based detectors (simplenet, mahalanobis) work on.
 *
 * @param kind               the detector
 * @param network            encoder architecture; auto picks from the input shape
 * @param repDim             size of the representation φ(x); 0 picks the architecture's default
 * @param eta                weight η of labelled samples in the Deep SAD loss
 * @param epsilon            ε in η·(‖φ(x)−c‖² + ε)⁻¹
 * @param centerEps          components of c with |c_i| below this are pushed to ±centerEps
 * @param epochs             training epochs
 * @param learningRate       Adam learning rate
 * @param weightDecay        L2 weight decay (as PyTorch Adam's weight_decay)
 * @param milestones         epochs at which the learning rate is multiplied by 0.1
 * @param batchSizePerWorker minibatch size on each Spark worker
 * @param workers            Spark partitions used for training (0: Spark's default parallelism)
 * @param averagingFrequency minibatches between parameter averaging rounds
 * @param threadsPerWorker   native threads per training worker: 0 = spark.task.cpus, -1 = ND4J's default
 * @param pretrain           optional autoencoder pretraining of the encoder
 * @param simplenet          the simplenet detector's settings
 * @param mahalanobis        the mahalanobis detector's settings
 */
public record EvaluatorConfig(
        @Doc("the detector: deep-sad (the paper's confusion evaluator, Deep SVDD without labelled anomalies),"
                + " simplenet (SimpleNet on the encoder's features; labelled anomalies join its noise negatives:"
                + " SimpleNet+KKA) or mahalanobis (Eq. 1 on the encoder's features; ignores labelled anomalies)."
                + " simplenet and mahalanobis use the encoder of an autoencoder pretrained on the training normals"
                + " (evaluator.pretrain's epochs and rates, enabled or not)") Kind kind,
        @Doc("encoder: auto (from image size/channels), lenet28 (28x28x1, rep 64) or lenet32 (32x32x3, rep 128)")
        NetworkKind network,
        @Doc("representation size; 0 uses the network's default (64 for lenet28, 128 for lenet32)") int repDim,
        @Doc("η, weight of labelled samples in the Deep SAD loss") double eta,
        @Doc("ε in the anomaly term η·(‖φ(x)−c‖² + ε)⁻¹") double epsilon,
        @Doc("components of the centre c with |c_i| below this are pushed to ±center_eps") double centerEps,
        @Doc("training epochs") int epochs,
        @Doc("Adam learning rate") double learningRate,
        @Doc("L2 weight decay, as in PyTorch Adam's weight_decay") double weightDecay,
        @Doc("epochs at which the learning rate is multiplied by 0.1") List<Integer> milestones,
        @Doc("minibatch size on each Spark worker") int batchSizePerWorker,
        @Doc("Spark partitions used for training; 0 uses Spark's default parallelism") int workers,
        @Doc("minibatches per worker between parameter-averaging rounds") int averagingFrequency,
        @Doc("native (libnd4j and OpenBLAS) threads per training/scoring task: 0 uses spark.task.cpus (one per"
                + " task slot, no oversubscription), -1 keeps ND4J's default of every core per task (best when an"
                + " executor runs a single task); process-wide on the executor") int threadsPerWorker,
        @Doc("autoencoder pretraining of the encoder") PretrainConfig pretrain,
        @Doc("settings of kind simplenet") SimpleNetConfig simplenet,
        @Doc("settings of kind mahalanobis") MahalanobisConfig mahalanobis) implements java.io.Serializable {

    /** Validates. */
    public EvaluatorConfig {
        Check.notNull("kind", kind);
        Check.notNull("network", network);
        Check.atLeast("rep_dim", repDim, 0);
        Check.positive("eta", eta);
        Check.positive("epsilon", epsilon);
        Check.positive("center_eps", centerEps);
        Check.atLeast("epochs", epochs, 1);
        Check.positive("learning_rate", learningRate);
        Check.atLeast("weight_decay", weightDecay, 0.0);
        milestones = Check.increasing("milestones", milestones);
        Check.atLeast("batch_size_per_worker", batchSizePerWorker, 1);
        Check.atLeast("workers", workers, 0);
        Check.atLeast("averaging_frequency", averagingFrequency, 1);
        Check.atLeast("threads_per_worker", threadsPerWorker, -1);
        Check.notNull("pretrain", pretrain);
        Check.notNull("simplenet", simplenet);
        Check.notNull("mahalanobis", mahalanobis);
    }

    /** @return defaults */
    public static EvaluatorConfig defaults() {
        return new EvaluatorConfig(Kind.DEEP_SAD, NetworkKind.AUTO, 0, 1.0, 1e-6, 0.1, 30, 1e-4, 0.5e-6, List.of(),
                128, 0, 5, 0, PretrainConfig.defaults(), SimpleNetConfig.defaults(), MahalanobisConfig.defaults());
    }

    /** @return a copy with another detector kind */
    public EvaluatorConfig withKind(Kind k) {
        return new EvaluatorConfig(k, network, repDim, eta, epsilon, centerEps, epochs, learningRate, weightDecay,
                milestones, batchSizePerWorker, workers, averagingFrequency, threadsPerWorker, pretrain, simplenet,
                mahalanobis);
    }

    /** @return a copy whose autoencoder pretraining is enabled (the feature-based detectors' encoder) */
    public EvaluatorConfig withPretrainEnabled() {
        PretrainConfig p = new PretrainConfig(true, pretrain.epochs(), pretrain.learningRate(), pretrain.weightDecay());
        return new EvaluatorConfig(kind, network, repDim, eta, epsilon, centerEps, epochs, learningRate, weightDecay,
                milestones, batchSizePerWorker, workers, averagingFrequency, threadsPerWorker, p, simplenet,
                mahalanobis);
    }

    /**
     * @return a copy whose settings records of the other kinds (simplenet, mahalanobis) are their defaults: what the
     *         configured detector depends on, for config hashes that should not change when an unused kind's settings
     *         do (a bench that refits another kind on a finished run)
     */
    public EvaluatorConfig withOtherKindsDefault() {
        return new EvaluatorConfig(kind, network, repDim, eta, epsilon, centerEps, epochs, learningRate, weightDecay,
                milestones, batchSizePerWorker, workers, averagingFrequency, threadsPerWorker, pretrain,
                kind == Kind.SIMPLENET ? simplenet : SimpleNetConfig.defaults(),
                kind == Kind.MAHALANOBIS ? mahalanobis : MahalanobisConfig.defaults());
    }

    /** Detector kinds; each has an implementation registered in {@code io.kka.detect.Detectors}. */
    public enum Kind {
        /** Deep SAD (Ruff et al. 2020): Deep SVDD without labelled anomalies */
        DEEP_SAD,
        /** SimpleNet (Liu et al. 2023) on encoder features; labelled anomalies join its negatives */
        SIMPLENET,
        /** Eq. 1: per-cluster Gaussians on encoder features, the minimum Mahalanobis distance */
        MAHALANOBIS
    }

    /**
     * The mahalanobis detector (Eq. 1 on encoder features).
     *
     * @param k         clusters of the training normals (seeded k-means), one Gaussian each
     * @param shrinkage covariance shrinkage towards the scaled identity, in [0, 1]
     */
    public record MahalanobisConfig(
            @Doc("clusters of the training normals (seeded k-means), one Gaussian each") int k,
            @Doc("covariance shrinkage towards the scaled identity, in [0, 1]") double shrinkage)
            implements java.io.Serializable {

        /** Validates. */
        public MahalanobisConfig {
            Check.atLeast("k", k, 1);
            Check.inRange("shrinkage", shrinkage, 0.0, 1.0);
        }

        /** @return defaults: one Gaussian, light shrinkage */
        public static MahalanobisConfig defaults() {
            return new MahalanobisConfig(1, 0.1);
        }
    }

    /** Encoder architectures. */
    public enum NetworkKind {
        /** choose from the input shape */
        AUTO,
        /** LeNet-type for 28x28x1 (Deep SAD's Fashion-MNIST net) */
        LENET28,
        /** LeNet-type for 32x32x3 (the KKA reference's net) */
        LENET32
    }

    /**
     * Autoencoder pretraining.
     *
     * @param enabled      pretrain the encoder as part of an autoencoder and copy its weights
     * @param epochs       pretraining epochs
     * @param learningRate Adam learning rate
     * @param weightDecay  L2 weight decay
     */
    public record PretrainConfig(
            @Doc("pretrain the encoder inside an autoencoder and copy its weights into Deep SAD") boolean enabled,
            @Doc("pretraining epochs") int epochs,
            @Doc("pretraining Adam learning rate") double learningRate,
            @Doc("pretraining L2 weight decay") double weightDecay) implements java.io.Serializable {

        /** Validates. */
        public PretrainConfig {
            Check.atLeast("epochs", epochs, 1);
            Check.positive("learning_rate", learningRate);
            Check.atLeast("weight_decay", weightDecay, 0.0);
        }

        /** @return defaults (off) */
        public static PretrainConfig defaults() {
            return new PretrainConfig(false, 10, 1e-4, 0.5e-3);
        }
    }
}
