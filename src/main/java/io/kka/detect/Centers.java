package io.kka.detect;

import io.kka.data.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Deep SVDD/SAD centre c: the mean network output over the training normals (y ≥ 0), from one forward pass
 * in inference mode on the executors (sums per partition, added on the driver), with components |c_i| &lt; eps
 * pushed to ±eps so that c is not trivially reachable by zero weights.
 */
final class Centers {
    private static final int BATCH = 256;

    private Centers() {
    }

    /**
     * @param sc        Spark context
     * @param net       the initial (possibly pretrained) Deep SAD network
     * @param examples  cached training examples
     * @param repDim    output size
     * @param centerEps minimum magnitude of each component
     * @param threads   native threads per task (≤ 0: no cap)
     * @return c
     * @throws InvalidInputException if there is no training normal
     */
    static double[] compute(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<Examples.Example> examples,
            int repDim, double centerEps, int threads) {
        Broadcast<NetSnapshot> snap = sc.broadcast(NetSnapshot.of(net));
        try {
            double[] sums = examples.mapPartitions((Iterator<Examples.Example> it) -> {
                if (threads > 0) {
                    new ThreadLimit(threads).apply();
                }
                MultiLayerNetwork local = snap.value().rebuild();
                double[] acc = new double[repDim + 1];
                Iterator<List<Examples.Example>> batches = Examples.batches(it, BATCH, true);
                while (batches.hasNext()) {
                    List<Examples.Example> b = batches.next();
                    List<byte[]> px = new ArrayList<>(b.size());
                    b.forEach(e -> px.add(e.chw()));
                    INDArray out = local.output(Pixels.batch(px, px.get(0).length), false);
                    double[] colSums = out.sum(0).castTo(DataType.DOUBLE).toDoubleVector();
                    for (int i = 0; i < repDim; i++) {
                        acc[i] += colSums[i];
                    }
                    acc[repDim] += b.size();
                }
                return List.of(acc).iterator();
            }).collect().stream().reduce(Centers::add).orElseThrow(); // partition order: bit-reproducible sums
            long n = (long) sums[repDim];
            if (n == 0) {
                throw new InvalidInputException("no training normals: every row has sad_label -1; Deep SAD needs"
                        + " normal (0 or +1) rows to place the centre");
            }
            double[] c = new double[repDim];
            for (int i = 0; i < repDim; i++) {
                c[i] = push(sums[i] / n, centerEps);
            }
            return c;
        } finally {
            snap.destroy();
        }
    }

    /** The reference's eps trick: small components move to ±eps by their sign (0 goes to +eps). */
    static double push(double v, double eps) {
        if (Math.abs(v) >= eps) {
            return v;
        }
        return v < 0 ? -eps : eps;
    }

    private static double[] add(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }
}
