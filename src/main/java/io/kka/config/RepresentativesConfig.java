package io.kka.config;

/**
 * Eq. 1–2: the K training normals that best represent the normal distribution; their captions are the prompt's
 * examples. The same clustering and Mahalanobis score (Eq. 1) form the SSD-style baseline detector.
 *
 * @param k             number of clusters (and representatives)
 * @param features      feature extractor for clustering and the Mahalanobis score
 * @param pixelSize     side of the downsampled image used by the pixels extractor
 * @param shrinkage     covariance shrinkage towards the scaled identity, in [0, 1]
 * @param maxIterations k-means iterations
 */
public record RepresentativesConfig(
        @Doc("K, number of clusters and representatives") int k,
        @Doc("features: encoder (the evaluator's φ when a model exists) or pixels (downsampled images)")
        FeatureKind features,
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

    /** Feature extractors. */
    public enum FeatureKind {
        /** the evaluator's encoder φ(x), falling back to pixels when no model exists yet */
        ENCODER,
        /** downsampled pixels */
        PIXELS
    }
}
