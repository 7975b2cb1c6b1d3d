package io.kka.config;

/**
 * SimpleNet (Liu et al., CVPR 2023) on this project's encoder features: a feature adaptor, Gaussian-noise anomalous
 * features and a discriminator. With labelled anomalies (KKA's), their adapted features join the noise features as
 * negatives: the paper's "SimpleNet+KKA". Training runs on the Spark workers with parameter averaging
 * ({@code evaluator.workers} and {@code evaluator.averaging_frequency}, as for Deep SAD). Defaults: SimpleNet's
 * published settings (its {@code run.sh}: margin 0.5, discriminator learning rate 2e-4, adaptor 1e-4, hidden units
 * two thirds of the feature size) scaled to one feature vector per image; see {@code io.kka.detect.simplenet}.
 *
 * @param noiseStd            σ of the Gaussian noise added to adapted normal features, as a fraction of the
 *                            normals' RMS feature spread (features are standardised by it)
 * @param epochs              training epochs of adaptor and discriminator
 * @param learningRate        Adam learning rate of the discriminator
 * @param adaptorLearningRate AdamW learning rate of the feature adaptor
 * @param hidden              hidden units of the discriminator; 0 = two thirds of the feature size (SimpleNet's)
 * @param batchSize           normal rows per minibatch and worker (each adds its noisy copy)
 * @param margin              the truncated-L1 margin th of SimpleNet's loss (normals above th, anomalies below −th)
 */
public record SimpleNetConfig(
        @Doc("σ of the Gaussian noise that turns adapted normal features into anomalous ones, as a fraction of the"
                + " normals' RMS feature spread (the features are standardised by it)") double noiseStd,
        @Doc("training epochs of the feature adaptor and the discriminator") int epochs,
        @Doc("Adam learning rate of the discriminator") double learningRate,
        @Doc("AdamW learning rate of the feature adaptor") double adaptorLearningRate,
        @Doc("hidden units of the discriminator; 0 uses two thirds of the feature size, as SimpleNet") int hidden,
        @Doc("rows per minibatch and worker (each normal row also gives its noisy copy)") int batchSize,
        @Doc("margin th of the truncated L1 loss: normal logits above th, anomalous below -th") double margin)
        implements java.io.Serializable {

    /** Validates. */
    public SimpleNetConfig {
        Check.positive("noise_std", noiseStd);
        Check.atLeast("epochs", epochs, 1);
        Check.positive("learning_rate", learningRate);
        Check.positive("adaptor_learning_rate", adaptorLearningRate);
        Check.atLeast("hidden", hidden, 0);
        Check.atLeast("batch_size", batchSize, 1);
        Check.atLeast("margin", margin, 0.0);
    }

    /** @return defaults */
    public static SimpleNetConfig defaults() {
        return new SimpleNetConfig(0.25, 160, 2e-4, 1e-4, 0, 64, 0.5);
    }

    /**
     * @param featureSize the encoder's representation size
     * @return the discriminator's hidden units: {@link #hidden}, or ⌊featureSize / 1.5⌋ for 0
     */
    public int hiddenFor(int featureSize) {
        return hidden > 0 ? hidden : Math.max(1, (int) Math.floor(featureSize / 1.5));
    }
}
