package io.kka.detect;

import java.io.Serializable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network as plain Java values (configuration JSON and a copy of the parameters), safe to broadcast: unlike an
 * INDArray it is not AutoCloseable, so Spark cannot free it (the dl4j-spark broadcast bug of notes/stack.md), and
 * it never aliases the driver's live parameters.
 *
 * @param confJson DL4J configuration JSON
 * @param params   flattened parameters (network precision converted to float)
 */
public record NetSnapshot(String confJson, float[] params) implements Serializable {

    /**
     * @param net a network
     * @return a deep copy of its configuration and parameters
     */
    public static NetSnapshot of(MultiLayerNetwork net) {
        return new NetSnapshot(net.getLayerWiseConfigurations().toJson(),
                net.params().castTo(DataType.FLOAT).toFloatVector());
    }

    /** @return a fresh network with these parameters (built on the calling JVM: once per partition) */
    public MultiLayerNetwork rebuild() {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(confJson);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray p = Nd4j.createFromArray(params).reshape(1, params.length);
        net.setParams(p.castTo(net.params().dataType()));
        return net;
    }
}
