package io.kka.it;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Submitted by {@link StandaloneClusterIT} (from a small jar the test builds, next to the application jar): waits
 * for N executors, then runs a barrier stage of N tasks (all N must run at the same time, so on N one-core
 * executors each gets one) in which every task builds a seeded DL4J network and runs a forward pass on the
 * executor's nd4j-native backend. Prints one line for the driver's own forward pass and one per executor, with
 * whether the executor plugin enabled DL4J's layer helpers and which helper a convolution layer got there.
 */
public final class ExecutorProbe {
    private ExecutorProbe() {
    }

    /** @param args the number of executors to expect */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        // through the application's own session factory, as every kka command: it adds NativeBackendPlugin
        SparkSession spark = io.kka.spark.Sessions.open("kka-it executor probe").spark();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            long deadline = System.currentTimeMillis() + 180_000;
            // the driver counts as one entry in the executor list
            while (jsc.sc().statusTracker().getExecutorInfos().length < n + 1) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("fewer than " + n + " executors registered in 180 s");
                }
                Thread.sleep(500);
            }
            System.out.println("PROBE driver output=" + join(forward()));
            RDD<String> answers = jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8).subList(0, n), n).rdd().barrier()
                    .mapPartitions(new Answer(), false, ClassTag$.MODULE$.apply(String.class));
            for (String a : new JavaRDD<>(answers, ClassTag$.MODULE$.apply(String.class)).collect()) {
                System.out.println("PROBE " + a);
            }
        } finally {
            spark.stop();
        }
    }

    /** @return the outputs of a seeded 4-8-2 network on two fixed inputs */
    static double[] forward() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net.output(Nd4j.create(new double[][] {{0.1, -0.2, 0.3, 0.4}, {1, 0.5, -0.5, 0}})).data().asDouble();
    }

    /** @return the simple class name of the helper DL4J gives a plain convolution layer here ("none" if none) */
    static String convHelper() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(6, 6, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        try {
            java.lang.reflect.Field f = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class
                    .getDeclaredField("helper");
            f.setAccessible(true);
            Object h = f.get(net.getLayer(0));
            return h == null ? "none" : h.getClass().getSimpleName();
        } catch (ReflectiveOperationException e) {
            return "unknown";
        }
    }

    static String join(double[] v) {
        return Arrays.stream(v).mapToObj(d -> String.format(java.util.Locale.ROOT, "%.6f", d))
                .collect(Collectors.joining(","));
    }

    /** The barrier task: waits for all tasks, then answers with where it ran and what the network computed. */
    static final class Answer extends AbstractFunction1<scala.collection.Iterator<Integer>,
            scala.collection.Iterator<String>> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> in) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            ctx.barrier();
            boolean opens = ManagementFactory.getRuntimeMXBean().getInputArguments()
                    .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
            // read before this task touches any project class: only the executor plugin can have set it
            String helpers = System.getProperty("org.eclipse.deeplearning4j.helpers.disable", "unset");
            String line = "executor=" + SparkEnv.get().executorId() + " pid=" + ProcessHandle.current().pid()
                    + " partition=" + ctx.partitionId() + " backend=" + Nd4j.getBackend().getClass().getName()
                    + " addOpens=" + opens + " helpersDisabled=" + helpers + " conv=" + convHelper()
                    + " output=" + join(forward());
            return JavaConverters.asScalaIterator(List.of(line).iterator());
        }
    }
}
