package io.kka.detect;

import io.kka.config.EvaluatorConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** deep-sad: {@link DeepSadTrainer} on DL4J-on-Spark (Deep SVDD without labelled anomalies). */
final class DeepSadProvider implements DetectorProvider {
    @Override
    public Detector fit(Dataset<Row> train, EvaluatorConfig cfg, long seed) {
        return DeepSadTrainer.of(cfg, seed).fit(train);
    }

    @Override
    public Detector read(String dir, SparkSession spark) {
        return DeepSadModel.load(dir, spark);
    }
}
