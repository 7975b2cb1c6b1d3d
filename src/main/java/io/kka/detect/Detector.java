package io.kka.detect;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained anomaly detector, as the loop (confusion evaluator E_t and the final detector), the commands, the
 * benches and the Spark ML stages see it. Implementations are fitted and read by a {@link DetectorProvider}
 * registered in {@link Detectors}; scoring and embedding run on the executors.
 */
public interface Detector {
    /** @return the kind as evaluator.kind spells it ("deep-sad"); {@link Detectors#load} reads it back */
    String kind();

    /**
     * @param rows rows with an {@code image} column
     * @return the rows with {@code score} appended (higher = more anomalous), replacing an existing one
     */
    Dataset<Row> score(Dataset<Row> rows);

    /**
     * @param rows rows with an {@code image} column
     * @return the rows with the detector's feature vector column {@value DeepSadModel#FEATURES} appended
     */
    Dataset<Row> embed(Dataset<Row> rows);

    /**
     * The Deep SAD network whose φ the detector builds on: itself for deep-sad, the pretrained encoder for the
     * feature-based detectors. Eq. 1–2's learned features come from it.
     *
     * @return the encoder
     */
    DeepSadModel encoder();

    /**
     * Writes the detector's own files into {@code dir}, a fresh temporary directory; {@link Detectors#save} adds the
     * kind and commits the directory atomically.
     *
     * @param dir  the directory
     * @param conf Hadoop configuration
     * @throws IOException on a write failure
     */
    void writeTo(String dir, Configuration conf) throws IOException;

    /** @return a short description for provenance and reports, e.g. "Deep SAD (lenet28, rep 64)" */
    String describe();

    /**
     * Saves atomically to a directory on any Hadoop file system ({@link Detectors#save}).
     *
     * @param uri       target directory
     * @param overwrite replace an existing directory
     * @param conf      Hadoop configuration
     */
    default void save(String uri, boolean overwrite, Configuration conf) {
        Detectors.save(this, uri, overwrite, conf);
    }
}
