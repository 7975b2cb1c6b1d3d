package io.kka.detect;

import java.lang.reflect.Field;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's batch normalisation without affine parameters (γ = 1, β = 0, locked), running on oneDNN.
 *
 * <p>DL4J 1.0.0-M2's oneDNN batch-norm helper declines layers with locked γ/β ({@code checkSupported(eps, true)} is
 * false), although the layer already hands such a helper constant γ/β arrays and throwaway γ/β gradient buffers. So
 * the reference Deep SAD network, whose batch norms have no affine parameters, ran its batch norms on DL4J's own
 * path: half the training time after convolution moved to oneDNN. This layer is the standard one (same parameters,
 * same running statistics, same JSON apart from its class name) whose runtime layer gets a helper that accepts locked
 * γ/β. {@code NativeBackendTest} checks outputs, gradients and running statistics against DL4J's own path.
 *
 * <p>Without oneDNN (another backend, or helpers disabled) it is exactly DL4J's layer.
 */
public class NonAffineBatchNorm extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    /** For DL4J's JSON mapper and {@link #of}. */
    public NonAffineBatchNorm() {
        setLockGammaBeta(true);
        setGamma(1.0);
        setBeta(0.0);
    }

    /**
     * No activation can be given: DL4J M2's batch-norm layer ignores its configured activation (its
     * {@code activate} returns the normalised input), so a following {@code ActivationLayer} must do it.
     *
     * @param eps the variance epsilon
     * @return the layer configuration
     */
    public static NonAffineBatchNorm of(double eps) {
        // DL4J's builder holds the defaults (decay, log-std running statistics, ...): take them all from it
        BatchNormalization std = new BatchNormalization.Builder().lockGammaBeta(true).eps(eps).build();
        NonAffineBatchNorm bn = new NonAffineBatchNorm();
        bn.setDecay(std.getDecay());
        bn.setEps(std.getEps());
        bn.setMinibatch(std.isMinibatch());
        bn.setGamma(std.getGamma());
        bn.setBeta(std.getBeta());
        bn.setLockGammaBeta(true);
        bn.setCudnnAllowFallback(std.isCudnnAllowFallback());
        bn.setUseLogStd(std.isUseLogStd());
        bn.setCnn2DFormat(std.getCnn2DFormat());
        bn.setActivationFn(std.getActivationFn());
        bn.setRegularization(std.getRegularization());
        bn.setRegularizationBias(std.getRegularizationBias());
        bn.setGradientNormalization(std.getGradientNormalization());
        bn.setGradientNormalizationThreshold(std.getGradientNormalizationThreshold());
        bn.setWeightInitFn(std.getWeightInitFn());
        bn.setBiasInit(std.getBiasInit());
        bn.setGainInit(std.getGainInit());
        bn.setIDropout(std.getIDropout());
        bn.setConstraints(std.getConstraints());
        return bn;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        Layer layer = super.instantiate(conf, listeners, layerIndex, layerParamsView, initializeParams,
                networkDataType);
        if (NativeBackend.helpersEnabled() && BaseMKLDNNHelper.mklDnnEnabled()
                && layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization bn
                && bn.getHelper() == null) {
            HelperSlot.set(bn, new LockedGammaBetaHelper(networkDataType));
        }
        return layer;
    }

    /**
     * DL4J's oneDNN batch-norm helper, also for locked γ/β (which the layer passes to it as constant arrays), with
     * the training-mode batch statistics of a 4-d NCHW input computed with BLAS.
     *
     * <p>DL4J's helper takes the variance of {@code [n, c, h, w]} over axes 0, 2 and 3 with ND4J's {@code Variance}
     * reduction, which runs at a fraction of the speed of a plain sum (24 vs 1.6 ms for the first batch norm's
     * 1.6M values, one thread): the largest part of batch norm's time. Here the input is viewed as {@code n·c}
     * contiguous rows of {@code h·w} values; their sums and the sums of their squares are two matrix-vector
     * products, merged per channel in double precision. Where a channel's mean is large against its spread, the
     * float sum of squares would lose digits, and DL4J's exact reduction runs for that batch instead.
     * Normalisation and its backward pass stay oneDNN's, fed these statistics: DL4J's helper reads them, for the
     * backward pass and the running averages, from its own caches, which are these arrays. Rank 2 inputs (a dense
     * layer's 128 units) keep DL4J's way: their reduction is small. {@link FastPaths#BN_BLAS_STATISTICS}{@code =false}
     * (read when a layer is created) turns this off, to measure it.
     */
    static final class LockedGammaBetaHelper extends MKLDNNBatchNormHelper {
        /**
         * Beyond this ratio of a channel's squared mean to its variance the float sum of squares is not trusted
         * (relative error of the variance measured at about 1e-5 here, against 2e-4 at a ratio of 1,200).
         */
        static final double MAX_MEAN_SQUARED_OVER_VAR = 100;
        private static final Field MEAN_CACHE = cacheField("meanCache");
        private static final Field VAR_CACHE = cacheField("varCache");

        private final boolean blasStatistics;
        private INDArray mean;
        private INDArray var;
        private INDArray ones;

        LockedGammaBetaHelper(DataType dataType) {
            super(dataType);
            blasStatistics = Boolean.parseBoolean(System.getProperty(FastPaths.BN_BLAS_STATISTICS, "true"));
        }

        @Override
        public boolean checkSupported(double eps, boolean fixedGammaBeta) {
            return BaseMKLDNNHelper.mklDnnEnabled();
        }

        @Override
        public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                INDArray globalMean, INDArray globalVar, double decay, double eps, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            if (!training || !blasStatistics || MEAN_CACHE == null || VAR_CACHE == null || x.rank() != 4
                    || format != CNN2DFormat.NCHW || x.dataType() != DataType.FLOAT
                    || !Shape.hasDefaultStridesForShape(x) || x.ordering() != 'c') {
                return super.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format,
                        workspaceMgr);
            }
            if (mean == null || mean.length() != x.size(1)) {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    mean = Nd4j.createUninitialized(x.dataType(), x.size(1));
                    var = Nd4j.createUninitialized(x.dataType(), x.size(1));
                }
                try {
                    MEAN_CACHE.set(this, mean);
                    VAR_CACHE.set(this, var);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("DL4J's batch-norm helper caches cannot be set", e);
                }
            }
            if (!batchStatistics(x, mean, var, workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM,
                    x.dataType(), x.shape()))) {
                return super.preOutput(x, true, shape, gamma, beta, globalMean, globalVar, decay, eps, format,
                        workspaceMgr); // DL4J's own statistics, into the same caches
            }
            // the inference branch of DL4J's helper normalises with the statistics it is given: these batch ones
            return super.preOutput(x, false, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }

        /**
         * Per-channel mean and biased variance of a c-ordered {@code [n, c, h, w]} array: the sums and sums of
         * squares of its {@code n·c} contiguous rows as two matrix-vector products (BLAS), merged per channel in
         * double precision.
         *
         * @param x       the input
         * @param mean    receives the means, length c
         * @param var     receives the variances, length c
         * @param squares scratch of x's length (its squares)
         * @return false, with nothing computed that counts, where a channel's mean is so far from zero against its
         *     spread (mean² > {@value #MAX_MEAN_SQUARED_OVER_VAR} × variance) that the float sum of squares
         *     would lose precision: DL4J's exact reduction then runs instead
         */
        boolean batchStatistics(INDArray x, INDArray mean, INDArray var, INDArray squares) {
            int n = Math.toIntExact(x.size(0));
            int c = Math.toIntExact(x.size(1));
            long hw = x.size(2) * x.size(3);
            if (ones == null || ones.length() != hw) {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    ones = Nd4j.ones(x.dataType(), hw, 1);
                }
            }
            INDArray rows = x.reshape('c', (long) n * c, hw);
            INDArray sq = squares.reshape('c', (long) n * c, hw);
            rows.mul(rows, sq);
            float[] sums = rows.mmul(ones).toFloatVector(); // the array's own values, never its whole buffer
            float[] sumSquares = sq.mmul(ones).toFloatVector();
            double count = (double) n * hw;
            float[] m = new float[c];
            float[] v = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                double q = 0;
                for (int i = ch; i < sums.length; i += c) {
                    s += sums[i];
                    q += sumSquares[i];
                }
                double mu = s / count;
                double sigma2 = q / count - mu * mu;
                if (!(mu * mu <= MAX_MEAN_SQUARED_OVER_VAR * sigma2)) {
                    return false; // also a constant non-zero channel (variance 0) and NaN
                }
                m[ch] = (float) mu;
                v[ch] = (float) sigma2;
            }
            mean.assign(Nd4j.createFromArray(m));
            var.assign(Nd4j.createFromArray(v));
            return true;
        }

        private static Field cacheField(String name) {
            try {
                Field f = MKLDNNBatchNormHelper.class.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // another DL4J version: its own statistics
            }
        }
    }

    /** The runtime layer's helper field is package-private in DL4J M2 and has no setter. */
    private static final class HelperSlot {
        private static final Field FIELD = find();

        private static Field find() {
            try {
                Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // another DL4J version: stay on its own path
            }
        }

        static void set(org.deeplearning4j.nn.layers.normalization.BatchNormalization layer,
                BatchNormalizationHelper helper) {
            if (FIELD == null) {
                return;
            }
            try {
                FIELD.set(layer, helper);
            } catch (IllegalAccessException e) {
                // leave DL4J's own path in place
            }
        }
    }
}
