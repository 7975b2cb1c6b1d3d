package io.kka.detect;

import java.lang.reflect.Field;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    /** DL4J's oneDNN batch-norm helper, also for locked γ/β (which the layer passes to it as constant arrays). */
    static final class LockedGammaBetaHelper extends MKLDNNBatchNormHelper {
        LockedGammaBetaHelper(DataType dataType) {
            super(dataType);
        }

        @Override
        public boolean checkSupported(double eps, boolean fixedGammaBeta) {
            return BaseMKLDNNHelper.mklDnnEnabled();
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
