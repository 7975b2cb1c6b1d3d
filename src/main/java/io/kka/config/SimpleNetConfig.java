package io.kka.config;

/**
 * SimpleNet (Liu et al., CVPR 2023) on this project's encoder features: a feature adaptor, Gaussian-noise anomalous
 * features and a discriminator. With labelled anomalies (KKA's), their adapted features join the noise features as
 * negatives: the paper's "SimpleNet+KKA".
 *
 * @param noiseStd     σ of the Gaussian noise added to adapted normal features to make anomalous ones
 * @param epochs       training epochs of adaptor and discriminator
 * @param learningRate Adam learning rate of the discriminator (the adaptor uses a tenth, as SimpleNet does)
 * @param hidden       hidden units of the discriminator
 * @param batchSize    minibatch size
 * @param margin       the truncated-L1 margin th of SimpleNet's loss (normals above th, anomalies below −th)
 */
public record SimpleNetConfig(
        @Doc("σ of the Gaussian noise that turns adapted normal features into anomalous ones") double noiseStd,
        @Doc("training epochs of the feature adaptor and the discriminator") int epochs,
        @Doc("Adam learning rate of the discriminator (the adaptor uses a tenth of it)") double learningRate,
        @Doc("hidden units of the discriminator") int hidden,
        @Doc("minibatch size") int batchSize,
        @Doc("margin th of the truncated L1 loss: normal logits above th, anomalous below -th") double margin)
        implements java.io.Serializable {

    /** Validates. */
    public SimpleNetConfig {
        Check.positive("noise_std", noiseStd);
        Check.atLeast("epochs", epochs, 1);
        Check.positive("learning_rate", learningRate);
        Check.atLeast("hidden", hidden, 1);
        Check.atLeast("batch_size", batchSize, 1);
        Check.atLeast("margin", margin, 0.0);
    }

    /** @return defaults */
    public static SimpleNetConfig defaults() {
        return new SimpleNetConfig(0.1, 40, 2e-4, 256, 64, 0.5);
    }
}
