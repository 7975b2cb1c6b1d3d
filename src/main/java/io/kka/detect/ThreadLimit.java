package io.kka.detect;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Caps ND4J's native threads (libnd4j's and OpenBLAS's pools) in training and scoring tasks
 * ({@code evaluator.threads_per_worker}). By default every concurrent task of an executor uses all its cores, so
 * k tasks run k × cores spinning threads: on 2 cores with local[2] that cost 35–50% of the throughput. The cap is
 * process-wide on the executor JVM.
 */
public final class ThreadLimit implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final int threads;

    /** @param threads threads per worker, ≥ 1 */
    public ThreadLimit(int threads) {
        this.threads = threads;
    }

    /**
     * @param configured evaluator.threads_per_worker: n &gt; 0, 0 for spark.task.cpus, -1 for ND4J's default
     * @param sc         Spark context
     * @return threads per task, or -1 for no cap
     */
    public static int resolve(int configured, org.apache.spark.api.java.JavaSparkContext sc) {
        return configured == 0 ? Math.max(1, sc.getConf().getInt("spark.task.cpus", 1)) : configured;
    }

    /** Applies the cap on the calling JVM (cheap when already applied). */
    public void apply() {
        var env = Nd4j.getEnvironment();
        var blas = Nd4j.factory().blas();
        if (env.maxThreads() != threads || env.maxMasterThreads() != threads || blas.getMaxThreads() != threads) {
            env.setMaxThreads(threads);
            env.setMaxMasterThreads(threads);
            blas.setMaxThreads(threads); // OpenBLAS keeps its own pool
        }
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        apply();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        // nothing after the update
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        apply();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // nothing after the update
    }
}
