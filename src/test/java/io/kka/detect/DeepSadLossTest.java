package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

class DeepSadLossTest {
    private static final double[] C = {0.3, -0.2, 0.5};

    private static INDArray labels(double... y) {
        INDArray l = Nd4j.create(DataType.DOUBLE, y.length, C.length);
        for (int i = 0; i < y.length; i++) {
            l.getRow(i).assign(y[i]);
        }
        return l;
    }

    @Test
    void perExampleLossFollowsEq5() {
        DeepSadLoss loss = new DeepSadLoss(C, 2.0, 1e-6);
        INDArray out = Nd4j.createFromArray(new double[][] {{1.3, -0.2, 0.5}, {0.3, 0.8, 0.5}, {0.3, -0.2, 2.5}});
        INDArray s = loss.computeScoreArray(labels(0, 1, -1), out, new ActivationIdentity(), null);
        assertEquals(1.0, s.getDouble(0), 1e-12);                 // d
        assertEquals(2.0 * (1.0 + 1e-6), s.getDouble(1), 1e-12);  // η(d + ε)
        assertEquals(2.0 / (4.0 + 1e-6), s.getDouble(2), 1e-12);  // η/(d + ε)
        assertEquals((s.sumNumber().doubleValue()) / 3, loss.computeScore(labels(0, 1, -1), out,
                new ActivationIdentity(), null, true), 1e-12);
    }

    /** Central differences of the loss with respect to the network output, for every label kind. */
    @Test
    void gradientMatchesFiniteDifferences() {
        DeepSadLoss loss = new DeepSadLoss(C, 1.5, 1e-3);
        Random rnd = new Random(1);
        for (double y : new double[] {0, 1, -1}) {
            INDArray out = Nd4j.create(DataType.DOUBLE, 4, C.length);
            for (int i = 0; i < out.length(); i++) {
                out.putScalar(i, rnd.nextGaussian());
            }
            INDArray lab = labels(y, y, y, y);
            INDArray grad = loss.computeGradient(lab, out, new ActivationIdentity(), null);
            double h = 1e-6;
            for (int i = 0; i < out.length(); i++) {
                double orig = out.getDouble(i);
                out.putScalar(i, orig + h);
                double up = loss.computeScore(lab, out, new ActivationIdentity(), null, false);
                out.putScalar(i, orig - h);
                double down = loss.computeScore(lab, out, new ActivationIdentity(), null, false);
                out.putScalar(i, orig);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, grad.getDouble(i), 1e-6 * Math.max(1, Math.abs(numeric)), "y=" + y + " i=" + i);
            }
        }
    }

    /**
     * Central differences through the whole bias-free encoder in double precision, with mixed labels (the way
     * DL4J's GradientCheckUtil does it, on a random subset of the weights: checking all 38k takes minutes).
     */
    @Test
    void networkGradientCheckWithNormalAndAnomalyLabels() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            EvaluatorConfig cfg = EvaluatorConfig.defaults();
            DeepSadNetworkFactory f = DeepSadNetworkFactory.of(cfg, 8, 1, 3).withDataType(DataType.DOUBLE);
            double[] c = new double[f.repDim()];
            java.util.Arrays.fill(c, 0.1);
            MultiLayerNetwork net = new MultiLayerNetwork(f.deepSad(new DeepSadLoss(c, 1.0, 1e-6), 1e-3, 0));
            net.init();
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 6, f.inputLength());
            INDArray y = Nd4j.create(DataType.DOUBLE, 6, f.repDim());
            double[] kinds = {0, 0, 1, -1, -1, 0};
            for (int i = 0; i < kinds.length; i++) {
                y.getRow(i).assign(kinds[i]);
            }
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            var gradient = net.gradient();
            DataSet ds = new DataSet(x, y);
            Random rnd = new Random(9);
            int checked = 0;
            for (String key : net.paramTable().keySet()) {
                if (!key.endsWith("_W")) {
                    continue; // batch-norm running statistics are not trained by gradients
                }
                INDArray w = net.paramTable().get(key);
                INDArray g = gradient.getGradientFor(key);
                for (int t = 0; t < 25; t++) {
                    long i = rnd.nextInt((int) w.length());
                    double orig = w.getDouble(i);
                    double h = 1e-6;
                    w.putScalar(i, orig + h);
                    double up = net.score(ds, true);
                    w.putScalar(i, orig - h);
                    double down = net.score(ds, true);
                    w.putScalar(i, orig);
                    double numeric = (up - down) / (2 * h);
                    // DL4J's gradients are minibatch sums (the updater divides); the score is the minibatch mean
                    double analytic = g.getDouble(i) / x.rows();
                    double rel = Math.abs(numeric - analytic) / Math.max(Math.abs(numeric) + Math.abs(analytic), 1e-8);
                    assertTrue(rel < 1e-4 || Math.abs(numeric - analytic) < 1e-8,
                            key + "[" + i + "]: numeric " + numeric + " vs analytic " + analytic);
                    checked++;
                }
            }
            assertEquals(100, checked);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void centreSurvivesJsonAndJavaSerialisationOfTheNetwork() throws Exception {
        DeepSadNetworkFactory f = DeepSadNetworkFactory.of(EvaluatorConfig.defaults(), 8, 1, 3);
        double[] c = new double[f.repDim()];
        for (int i = 0; i < c.length; i++) {
            c[i] = 0.1 + i / 100.0;
        }
        DeepSadLoss loss = new DeepSadLoss(c, 0.7, 1e-5);
        MultiLayerConfiguration conf = f.deepSad(loss, 1e-3, 0);
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(loss, lossOf(fromJson));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(conf);
        }
        MultiLayerConfiguration fromJava;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            fromJava = (MultiLayerConfiguration) in.readObject();
        }
        assertEquals(loss, lossOf(fromJava));
        assertEquals(loss, lossOf(fromJava.clone()));
        assertNotEquals(loss, loss.withCenter(new double[c.length]));
    }

    private static DeepSadLoss lossOf(MultiLayerConfiguration conf) {
        var layer = (BaseOutputLayer) conf.getConf(conf.getConfs().size() - 1).getLayer();
        return (DeepSadLoss) layer.getLossFn();
    }
}
