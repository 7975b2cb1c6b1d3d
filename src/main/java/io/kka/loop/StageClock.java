package io.kka.loop;

import io.kka.spark.Sessions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stages of one iteration: names their Spark jobs ("KKA iteration 2 · generating images"), logs a start
 * and an end line, and records seconds per stage for metrics.json.
 */
final class StageClock {
    private static final Logger LOG = LoggerFactory.getLogger(KkaLoop.class);
    private final SparkSession spark;
    private final String label;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long start = System.nanoTime();

    StageClock(SparkSession spark, String label) {
        this.spark = spark;
        this.label = label;
    }

    <T> T run(String stage, String what, Supplier<T> body) {
        Sessions.describe(spark, "kka-" + label.replace(' ', '-') + "-" + stage, "KKA " + label + " · " + what);
        LOG.info("{} · {} ...", label, what);
        long t0 = System.nanoTime();
        T out = body.get();
        double s = (System.nanoTime() - t0) / 1e9;
        seconds.merge(stage, s, Double::sum);
        LOG.info("{} · {} done in {}", label, what, String.format("%.1f s", s));
        return out;
    }

    void run(String stage, String what, Runnable body) {
        run(stage, what, () -> {
            body.run();
            return null;
        });
    }

    Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>(seconds);
        out.put("total", (System.nanoTime() - start) / 1e9);
        return out;
    }
}
