package io.kka.detect;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer, for an identity activation, without the second forward convolution in its backward
 * pass.
 *
 * <p>DL4J 1.0.0-M2's {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation (a whole forward
 * convolution) only to pass it to the activation's derivative; with the identity activation the derivative never
 * reads it. The op profile of a Deep SAD training step showed four {@code conv2d} calls per step for two
 * convolution layers. This layer's runtime keeps the pre-activation of its last training forward pass and hands that
 * to the backward pass instead, once, when the input is still the same array; otherwise (inference, another input,
 * another activation, DL4J's own path without a oneDNN helper, NHWC) it is exactly DL4J's layer. Same parameters and
 * JSON as {@link ConvolutionLayer} apart from the class name. {@code NativeBackendTest} checks gradients against
 * DL4J's path.
 */
public class LinearConvolution extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    /** For DL4J's JSON mapper. */
    public LinearConvolution() {
        super();
    }

    private LinearConvolution(Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LinearConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        Runtime layer = new Runtime(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** {@link ConvolutionLayer.Builder} building this layer (DL4J's checks of kernel, stride and padding included). */
    public static final class Builder extends ConvolutionLayer.Builder {
        /** @param kernelSize kernel height and width */
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        @Override
        @SuppressWarnings("unchecked")
        public LinearConvolution build() {
            super.build(); // DL4J's validation
            return new LinearConvolution(this);
        }
    }

    /** The runtime layer: DL4J's, reusing the training forward pass's pre-activation in the backward pass. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        private static final long serialVersionUID = 1L;
        private transient INDArray lastInput;
        private transient INDArray lastPreOutput;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** @return whether the pre-activation is never read by the backward pass (identity, oneDNN path, NCHW) */
        private boolean reusable() {
            return helper != null && layerConf().getActivationFn() instanceof ActivationIdentity
                    && layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
                LayerWorkspaceMgr workspaceMgr) {
            INDArray reuse = lastPreOutput;
            INDArray reuseInput = lastInput;
            lastPreOutput = null;
            lastInput = null;
            if (forBackprop && reuse != null && reuseInput == input && reusable()) {
                return new Pair<>(reuse, null);
            }
            Pair<INDArray, INDArray> out = super.preOutput(training, forBackprop, workspaceMgr);
            if (training && !forBackprop && reusable()) {
                lastPreOutput = out.getFirst();
                lastInput = input;
            }
            return out;
        }

        @Override
        public void clear() {
            super.clear();
            lastPreOutput = null;
            lastInput = null;
        }

        /** @return whether the last training forward pass is kept for the backward pass (for tests) */
        boolean holdsPreOutput() {
            return lastPreOutput != null;
        }
    }
}
