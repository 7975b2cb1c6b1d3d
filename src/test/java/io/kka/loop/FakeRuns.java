package io.kka.loop;

import io.kka.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Real run directories written by the real loop with the fast {@link FakeStages}, for tests outside this package
 * of commands that read runs (export).
 */
public final class FakeRuns {
    private FakeRuns() {
    }

    /**
     * Runs Algorithm 1 on a tiny dataset (normal class Trouser, half the training normals for validation).
     *
     * @param spark          the shared test session
     * @param data           a Fashion-MNIST directory ({@code Fixtures.fashionMnist})
     * @param run            the run directory (missing)
     * @param iterations     run.iterations: iterations 0..iterations
     * @param untilIteration stop after committing this iteration ({@code Integer.MAX_VALUE}: complete the run)
     * @return run
     */
    public static Path write(SparkSession spark, Path data, Path run, int iterations, int untilIteration) {
        var cfg = ConfigLoader.parse("", "test", List.of("run.dir=" + run, "run.iterations=" + iterations,
                "data.path=" + data, "task.normal_classes=[Trouser]", "task.val_fraction=0.5"));
        KkaLoop.of(cfg, samples -> new FakeStages(spark)).run(spark, false, untilIteration);
        return run;
    }
}
