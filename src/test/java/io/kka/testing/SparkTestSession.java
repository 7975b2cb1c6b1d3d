package io.kka.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession shared by every unit test in the JVM (Spark's own SharedSparkSession,
 * but shared across classes: starting Spark costs seconds). Stopped by a shutdown hook.
 */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {
    }

    /** @return the shared session */
    public static synchronized SparkSession get() {
        if (spark == null) {
            try {
                Path warehouse = Files.createTempDirectory("kka-test-warehouse");
                spark = SparkSession.builder()
                        .master("local[2]")
                        .appName("kka-unit-tests")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", "4")
                        .config("spark.default.parallelism", "2")
                        .config("spark.sql.warehouse.dir", warehouse.toString())
                        .config("spark.driver.host", "127.0.0.1")
                        .getOrCreate();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return spark;
    }
}
