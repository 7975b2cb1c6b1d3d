package io.kka.detect;

import io.kka.config.ConfigException;
import io.kka.config.EvaluatorConfig;
import io.kka.config.EvaluatorConfig.NetworkKind;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the bias-free LeNet-type encoders of Deep SAD and their autoencoders (Ruff et al. 2020 reference code):
 * no bias anywhere, batch norm without affine parameters (eps 1e-4), leaky ReLU 0.01, weights initialised as
 * PyTorch's default (uniform ±1/√fan_in).
 * <ul>
 *   <li>lenet28 (Fashion-MNIST net, rep 64): 2 blocks conv5×5 16/32 → BN → LReLU → maxpool2, dense 128 → BN →
 *       LReLU, dense rep. Any side divisible by 4.</li>
 *   <li>lenet32 (the KKA reference's cifar10_LeNet, rep 128): 3 blocks 32/64/128, dense rep. Side divisible by
 *       8.</li>
 * </ul>
 * Inputs are flat {@code [n, channels·side·side]} rows in CHW order with values in [0, 1].
 */
public final class DeepSadNetworkFactory {
    private static final double BN_EPS = 1e-4;
    private static final double LRELU = 0.01;

    private final NetworkKind kind;
    private final int side;
    private final int channels;
    private final int repDim;
    private final long seed;
    private final DataType dataType;

    private DeepSadNetworkFactory(NetworkKind kind, int side, int channels, int repDim, long seed, DataType dt) {
        this.kind = kind;
        this.side = side;
        this.channels = channels;
        this.repDim = repDim;
        this.seed = seed;
        this.dataType = dt;
    }

    /**
     * @param cfg      evaluator config (network, rep_dim)
     * @param side     image side in pixels (data.image_size)
     * @param channels 1 or 3 (data.channels)
     * @param seed     weight-initialisation seed
     * @return the factory, float precision
     * @throws ConfigException if the architecture cannot take this input shape
     */
    public static DeepSadNetworkFactory of(EvaluatorConfig cfg, int side, int channels, long seed) {
        NativeBackend.configure();
        NetworkKind kind = cfg.network();
        if (kind == NetworkKind.AUTO) {
            kind = side == 28 ? NetworkKind.LENET28 : side == 32 ? NetworkKind.LENET32
                    : channels == 1 ? NetworkKind.LENET28 : NetworkKind.LENET32;
        }
        int divisor = kind == NetworkKind.LENET28 ? 4 : 8;
        if (side % divisor != 0) {
            throw new ConfigException("evaluator.network", "needs an image side divisible by " + divisor + " for "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " (data.image_size)", String.valueOf(side));
        }
        int rep = cfg.repDim() > 0 ? cfg.repDim() : kind == NetworkKind.LENET28 ? 64 : 128;
        return new DeepSadNetworkFactory(kind, side, channels, rep, seed, DataType.FLOAT);
    }

    /** @return a copy building networks of another precision (DOUBLE for gradient checks) */
    public DeepSadNetworkFactory withDataType(DataType dt) {
        return new DeepSadNetworkFactory(kind, side, channels, repDim, seed, dt);
    }

    /** @return the resolved architecture (never AUTO) */
    public NetworkKind kind() {
        return kind;
    }

    /** @return representation size */
    public int repDim() {
        return repDim;
    }

    /** @return image side, pixels */
    public int side() {
        return side;
    }

    /** @return channels */
    public int channels() {
        return channels;
    }

    /** @return length of a flat input row */
    public int inputLength() {
        return channels * side * side;
    }

    private List<Integer> blocks() {
        return kind == NetworkKind.LENET28 ? List.of(16, 32) : List.of(32, 64, 128);
    }

    private int hidden() {
        return kind == NetworkKind.LENET28 ? 128 : 0;
    }

    private ListBuilder base(double learningRate, double weightDecay) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.UNIFORM);
        if (weightDecay > 0) {
            b.l2(weightDecay); // coupled L2 = PyTorch Adam's weight_decay
        }
        return b.list();
    }

    /**
     * Batch norm without affine parameters, on oneDNN ({@link NonAffineBatchNorm}). The leaky ReLU stays a layer of
     * its own: DL4J M2's batch-norm layer accepts an activation in its configuration and never applies it.
     */
    private static BatchNormalization bn() {
        return NonAffineBatchNorm.of(BN_EPS);
    }

    /**
     * Leaky ReLU as {@link FastLeakyReLU} (the same function, 5–9× faster than ND4J M2's op on CPU);
     * {@value FastPaths#ND4J_LEAKY_RELU}{@code =true}, read when a network is configured, builds ND4J's own (to measure it).
     */
    private static ActivationLayer lrelu() {
        boolean nd4j = Boolean.parseBoolean(System.getProperty(FastPaths.ND4J_LEAKY_RELU, "false"));
        return new ActivationLayer.Builder()
                .activation(nd4j ? new ActivationLReLU(LRELU) : new FastLeakyReLU(LRELU)).build();
    }

    /**
     * A bias-free 5×5 convolution ({@link LinearConvolution}: its backward pass skips DL4J's second forward);
     * {@value FastPaths#DL4J_CONVOLUTION}{@code =true}, read when a network is configured, builds DL4J's own (to measure it).
     */
    private static ConvolutionLayer conv(int out, int pad) {
        ConvolutionLayer.Builder b = Boolean.parseBoolean(System.getProperty(FastPaths.DL4J_CONVOLUTION, "false"))
                ? new ConvolutionLayer.Builder(5, 5) : new LinearConvolution.Builder(5, 5);
        return b.nOut(out).padding(pad, pad).stride(1, 1).hasBias(false).activation(Activation.IDENTITY).build();
    }

    private static DenseLayer dense(int out) {
        return new DenseLayer.Builder().nOut(out).hasBias(false).activation(Activation.IDENTITY).build();
    }

    /** Adds the encoder; the last layer is the Deep SAD output layer, or a plain dense layer when loss is null. */
    private int addEncoder(ListBuilder lb, DeepSadLoss loss) {
        int i = 0;
        for (int filters : blocks()) {
            lb.layer(i++, conv(filters, 2));
            lb.layer(i++, bn());
            lb.layer(i++, lrelu());
            lb.layer(i++, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
        }
        if (hidden() > 0) {
            lb.layer(i++, dense(hidden()));
            lb.layer(i++, bn());
            lb.layer(i++, lrelu());
        }
        if (loss == null) {
            lb.layer(i++, dense(repDim));
        } else {
            lb.layer(i++, new OutputLayer.Builder(loss).nOut(repDim).hasBias(false)
                    .activation(Activation.IDENTITY).build());
        }
        return i;
    }

    /**
     * @param loss         the Deep SAD loss (holding c)
     * @param learningRate Adam learning rate
     * @param weightDecay  L2 weight decay
     * @return the Deep SAD network configuration: encoder with the loss as its output layer
     */
    public MultiLayerConfiguration deepSad(DeepSadLoss loss, double learningRate, double weightDecay) {
        ListBuilder lb = base(learningRate, weightDecay);
        addEncoder(lb, loss);
        return lb.setInputType(InputType.convolutionalFlat(side, side, channels)).build();
    }

    /** @return the number of layers of the Deep SAD network, all of which the autoencoder shares */
    public int encoderLayers() {
        return blocks().size() * 4 + (hidden() > 0 ? 3 : 0) + 1;
    }

    /**
     * The autoencoder whose first {@link #encoderLayers()} layers are the Deep SAD encoder; decoder as in the
     * reference (nearest upsampling, bias-free convolutions, sigmoid output, MSE).
     *
     * @param learningRate Adam learning rate
     * @param weightDecay  L2 weight decay
     * @return the configuration; its labels are the flat inputs
     * @throws ConfigException if the input shape has no reference decoder
     */
    public MultiLayerConfiguration autoencoder(double learningRate, double weightDecay) {
        ListBuilder lb = base(learningRate, weightDecay);
        int i = addEncoder(lb, null);
        if (kind == NetworkKind.LENET28) {
            if (side != 28) {
                throw new ConfigException("evaluator.pretrain.enabled", "needs 28x28 images for lenet28",
                        side + "x" + side);
            }
            lb.layer(i++, dense(128));
            lb.layer(i++, bn());
            lb.layer(i++, lrelu());
            lb.inputPreProcessor(i, new FeedForwardToCnnPreProcessor(4, 4, 8));
            i = upConv(lb, i, 32, 2);
            i = upConv(lb, i, 16, 1);
            lb.layer(i++, new Upsampling2D.Builder(2).build());
        } else {
            if (side != 32 || repDim % 16 != 0) {
                throw new ConfigException("evaluator.pretrain.enabled",
                        "needs 32x32 images and rep_dim divisible by 16 for lenet32", side + "x" + side + ", rep "
                        + repDim);
            }
            lb.inputPreProcessor(i, new FeedForwardToCnnPreProcessor(4, 4, repDim / 16));
            lb.layer(i++, lrelu());
            lb.layer(i++, conv(128, 2));
            lb.layer(i++, bn());
            lb.layer(i++, lrelu());
            i = upConv(lb, i, 64, 2);
            i = upConv(lb, i, 32, 2);
            lb.layer(i++, new Upsampling2D.Builder(2).build());
        }
        lb.layer(i++, conv(channels, 2));
        lb.layer(i, new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.SIGMOID).build());
        return lb.setInputType(InputType.convolutionalFlat(side, side, channels)).build();
    }

    /** Nearest upsampling ×2, then conv → BN → LReLU (the reference's interpolate/deconv/bn/leaky_relu steps). */
    private static int upConv(ListBuilder lb, int i, int filters, int pad) {
        lb.layer(i++, new Upsampling2D.Builder(2).build());
        lb.layer(i++, conv(filters, pad));
        lb.layer(i++, bn());
        lb.layer(i++, lrelu());
        return i;
    }

    /**
     * Copies the encoder's parameters (weights and batch-norm running statistics) layer by layer. Unlike the
     * reference code, whose key filter matched nothing, this fails loudly on any mismatch.
     *
     * @param from   source network (the pretrained autoencoder)
     * @param to     target network (Deep SAD)
     * @param layers number of leading layers to copy
     * @throws IllegalStateException if a parameter is missing or has another shape
     */
    public static void transferEncoder(MultiLayerNetwork from, MultiLayerNetwork to, int layers) {
        for (int i = 0; i < layers; i++) {
            Map<String, INDArray> src = from.getLayer(i).paramTable();
            Map<String, INDArray> dst = to.getLayer(i).paramTable();
            if (!src.keySet().equals(dst.keySet())) {
                throw new IllegalStateException("layer " + i + ": parameters " + src.keySet() + " vs " + dst.keySet());
            }
            for (Map.Entry<String, INDArray> e : src.entrySet()) {
                INDArray target = dst.get(e.getKey());
                if (!java.util.Arrays.equals(target.shape(), e.getValue().shape())) {
                    throw new IllegalStateException("layer " + i + " parameter " + e.getKey() + ": shape "
                            + java.util.Arrays.toString(e.getValue().shape()) + " vs "
                            + java.util.Arrays.toString(target.shape()));
                }
                target.assign(e.getValue());
            }
        }
    }
}
