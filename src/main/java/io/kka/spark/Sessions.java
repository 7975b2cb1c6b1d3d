package io.kka.spark;

import io.kka.detect.NativeBackend;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds the SparkSession. The master is never set in code: spark-submit or the launcher
 * ({@code -Dspark.master=...}) supplies it, so the same jar runs locally, on standalone, YARN and Kubernetes.
 * Every session it creates carries {@link NativeBackendPlugin} in {@code spark.plugins}, so executors on any
 * cluster manager enable DL4J's oneDNN paths before their first task.
 *
 * <p>Unless set, {@code spark.task.maxDirectResultSize} is raised from Spark's 1 MiB to {@value #DIRECT_RESULTS}:
 * each parameter-averaging round returns every worker's parameters and Adam state (2.7 MB for the reference
 * LeNet), which above 1 MiB Spark parks in the executor's block manager for the driver to fetch in a second round
 * trip (16–37 ms a round in {@code kka bench train}'s event log, none with the larger limit).
 */
public final class Sessions {
    private static final String PLUGINS = "spark.plugins";
    private static final String DIRECT_RESULT_KEY = "spark.task.maxDirectResultSize";
    static final String DIRECT_RESULTS = "64m";

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
        NativeBackend.configure();
        SparkSession spark = SparkSession.builder().appName(appName)
                .config(PLUGINS, plugins(System.getProperty(PLUGINS, "")))
                .config(DIRECT_RESULT_KEY, directResults(System.getProperty(DIRECT_RESULT_KEY)))
                .getOrCreate();
        return new Handle(spark, true);
    }

    /**
     * @param configured the {@code spark.plugins} value already set (comma-separated, possibly empty)
     * @return it with {@link NativeBackendPlugin} added once
     */
    static String plugins(String configured) {
        String ours = NativeBackendPlugin.class.getName();
        for (String p : configured.split(",")) {
            if (p.trim().equals(ours)) {
                return configured;
            }
        }
        return configured.isBlank() ? ours : configured + "," + ours;
    }

    /**
     * @param configured {@code spark.task.maxDirectResultSize} as set by the user (spark-submit's {@code --conf},
     *                   {@code -D}), or null
     * @return the user's value, or {@value #DIRECT_RESULTS}
     */
    static String directResults(String configured) {
        return configured == null || configured.isBlank() ? DIRECT_RESULTS : configured;
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
