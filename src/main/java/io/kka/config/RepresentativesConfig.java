package io.kka.config;

/**
 * Eq. 1–2: the K training normals that best represent the normal distribution; their captions are the prompt's
 * examples. The same clustering and Mahalanobis score (Eq. 1) on downsampled pixels form the "Mahalanobis on
 * pixels" baseline detector (a pixel-space stand-in for Eq. 1; the paper's SSD works on learned features).
 *
 * @param k             number of clusters (and representatives)
 * @param features      feature extractor for clustering and the Mahalanobis score
 * @param pixelSize     side of the downsampled image used by the pixels extractor
 * @param shrinkage     covariance shrinkage towards the scaled identity, in [0, 1]
 * @param maxIterations k-means iterations
 */
public record RepresentativesConfig(
        @Doc("K, number of clusters and representatives") int k,
        @Doc("features of Eq. 1–2: pixels (downsampled images) or encoder (the learned φ: E_{t-1}'s at iteration t"
                + " >= 1, re-selected every iteration; at t = 0 an autoencoder pretrained on the training normals, which"
                + " needs evaluator.pretrain.enabled)") FeatureKind features,
        @Doc("side of the downsampled image for the pixels extractor (features = side² × channels, at most 1024)")
        int pixelSize,
        @Doc("covariance shrinkage towards the scaled identity, in [0, 1]") double shrinkage,
        @Doc("k-means iterations (Spark MLlib KMeans, seeded)") int maxIterations) implements java.io.Serializable {

    /** Validates. */
    public RepresentativesConfig {
        Check.atLeast("k", k, 1);
        Check.notNull("features", features);
        Check.inRange("pixel_size", pixelSize, 2, 32);
        Check.inRange("shrinkage", shrinkage, 0.0, 1.0);
        Check.atLeast("max_iterations", maxIterations, 1);
    }

    /** @return defaults */
    public static RepresentativesConfig defaults() {
        return new RepresentativesConfig(5, FeatureKind.PIXELS, 8, 0.1, 20);
    }

    /** @return a copy with other features */
    public RepresentativesConfig withFeatures(FeatureKind f) {
        return new RepresentativesConfig(k, f, pixelSize, shrinkage, maxIterations);
    }

    /** Feature extractors. */
    public enum FeatureKind {
        /** the learned encoder φ(x): E_{t-1}'s, or a pretrained autoencoder's at t = 0 (never a silent fallback) */
        ENCODER,
        /** downsampled pixels */
        PIXELS
    }
}
