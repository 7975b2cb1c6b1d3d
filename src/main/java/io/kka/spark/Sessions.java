package io.kka.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds the SparkSession. The master is never set in code: spark-submit or the launcher
 * ({@code -Dspark.master=...}) supplies it, so the same jar runs locally, on standalone, YARN and Kubernetes.
 */
public final class Sessions {
    private Sessions() {
    }

    /**
     * A session and whether closing it should stop it: a session that already existed (a test's shared session,
     * a notebook's) is left running.
     *
     * @param spark the session
     * @param owned true if this handle created it
     */
    public record Handle(SparkSession spark, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                spark.stop();
            }
        }
    }

    /**
     * @param appName the application name (ignored when a session exists)
     * @return the active session, or a new one
     */
    public static Handle open(String appName) {
        var existing = SparkSession.getActiveSession();
        if (existing.isEmpty()) {
            existing = SparkSession.getDefaultSession();
        }
        if (existing.isDefined()) {
            return new Handle(existing.get(), false);
        }
        SparkSession spark = SparkSession.builder().appName(appName).getOrCreate();
        return new Handle(spark, true);
    }

    /**
     * Names the Spark jobs that follow in the UI ("KKA iteration 2 · generating images").
     *
     * @param spark       the session
     * @param group       job group id
     * @param description what the jobs do
     */
    public static void describe(SparkSession spark, String group, String description) {
        spark.sparkContext().setJobGroup(group, description, false);
        spark.sparkContext().setJobDescription(description);
    }
}
