package io.kka.spark;

import io.kka.detect.NativeBackend;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Configures ND4J/DL4J's native backend ({@link NativeBackend#configure()}) on every executor at start-up, before
 * any task deserialises a network, and on the driver. {@link Sessions#open} adds it to {@code spark.plugins}; with
 * spark-submit it can also be named there directly.
 */
public final class NativeBackendPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(org.apache.spark.SparkContext sc, PluginContext ctx) {
                NativeBackend.configure();
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                NativeBackend.configure();
            }
        };
    }
}
