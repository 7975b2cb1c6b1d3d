package io.kka.detect;

import java.util.List;

/**
 * The switches of this project's three fixes to DL4J 1.0.0-M2's training path, each on by default, read when a
 * network is configured or created; {@code kka bench train --levers} measures each alone, side by side.
 */
public final class FastPaths {
    /** {@code false}: batch-norm statistics from ND4J's reductions instead of BLAS ({@link NonAffineBatchNorm}). */
    public static final String BN_BLAS_STATISTICS = "kka.bn.blas_statistics";
    /** {@code true}: ND4J's leaky ReLU instead of {@link FastLeakyReLU}. */
    public static final String ND4J_LEAKY_RELU = "kka.lrelu.nd4j";
    /** {@code true}: DL4J's convolution layer instead of {@link LinearConvolution}. */
    public static final String DL4J_CONVOLUTION = "kka.conv.dl4j";

    /** One setting of the three switches. */
    public record Setting(String name, boolean blasStatistics, boolean fastLeakyRelu, boolean linearConvolution) {
        /** Sets the system properties that networks configured and created afterwards read. */
        public void apply() {
            System.setProperty(BN_BLAS_STATISTICS, Boolean.toString(blasStatistics));
            System.setProperty(ND4J_LEAKY_RELU, Boolean.toString(!fastLeakyRelu));
            System.setProperty(DL4J_CONVOLUTION, Boolean.toString(!linearConvolution));
        }
    }

    /** DL4J's own path, each fix alone, and all three (the default). */
    public static final List<Setting> LEVERS = List.of(
            new Setting("dl4j", false, false, false),
            new Setting("bn_blas_statistics", true, false, false),
            new Setting("fast_leaky_relu", false, true, false),
            new Setting("linear_convolution", false, false, true),
            new Setting("all", true, true, true));

    private FastPaths() {
    }

    /** Clears the three switches (back to the defaults). */
    public static void clear() {
        System.clearProperty(BN_BLAS_STATISTICS);
        System.clearProperty(ND4J_LEAKY_RELU);
        System.clearProperty(DL4J_CONVOLUTION);
    }
}
