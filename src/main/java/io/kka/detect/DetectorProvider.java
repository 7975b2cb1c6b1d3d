package io.kka.detect;

import io.kka.config.EvaluatorConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fits and reads one kind of {@link Detector}. A new detector is an implementation of both interfaces in its own
 * package plus one line in {@link Detectors}'s registry (and a constant of {@link EvaluatorConfig.Kind}, which gives
 * the config key its allowed values).
 */
public interface DetectorProvider {
    /**
     * Eq. 5 for this kind: fits on the training normals and, for kinds that use them, the labelled anomalies.
     *
     * @param train rows with {@code image}, {@code sad_label} ({@link SadLabel}: −1 labelled anomaly, 0 or +1 normal)
     *              and {@code sample_id} (names bad rows in errors); no labelled anomalies gives the kind's
     *              No-anomalies baseline
     * @param cfg   the evaluator config (its kind's settings and the encoder's)
     * @param seed  every random choice's seed
     * @return the fitted detector
     */
    Detector fit(Dataset<Row> train, EvaluatorConfig cfg, long seed);

    /**
     * @param dir   a directory written by {@link Detectors#save} for this kind
     * @param spark the session
     * @return the detector
     */
    Detector read(String dir, SparkSession spark);
}
