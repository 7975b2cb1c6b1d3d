package io.kka.data;

import io.kka.config.DataConfig;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads one published dataset layout into {@link RawSchema} rows. Implementations read and list metadata on the
 * driver (headers, directory names) but open image data only on executors.
 */
public interface DatasetReader {
    /**
     * @param spark the session
     * @return raw rows, lazily read on executors
     * @throws InvalidInputException for a missing path or a malformed header
     */
    Dataset<Row> read(SparkSession spark);

    /**
     * @param spark the session
     * @return the dataset's class names in label order (used to resolve {@code task.normal_classes})
     */
    List<String> classNames(SparkSession spark);

    /**
     * @param cfg data config
     * @return the reader for {@code cfg.dataset()}
     */
    static DatasetReader of(DataConfig cfg) {
        return switch (cfg.dataset()) {
            case FASHION_MNIST -> new io.kka.data.readers.FashionMnistReader(cfg);
            case FOLDER -> new io.kka.data.readers.FolderReader(cfg);
            case MANIFEST -> new io.kka.data.readers.ManifestReader(cfg);
            case CIFAR100 -> new io.kka.data.readers.Cifar100Reader(cfg);
            case OXFORD102 -> new io.kka.data.readers.Oxford102Reader(cfg);
            case UCM_CAPTIONS -> new io.kka.data.readers.UcmCaptionsReader(cfg);
        };
    }

    /**
     * Checks that {@code data.path} exists, with a message that says what the reader expected there.
     *
     * @param path     the configured path
     * @param conf     Hadoop configuration
     * @param expected what should be there, e.g. "imgs/ and dataset.json"
     * @return the path
     * @throws InvalidInputException naming the key and the path
     */
    static String requirePath(String path, org.apache.hadoop.conf.Configuration conf, String expected) {
        if (!io.kka.store.Fs.exists(path, conf)) {
            throw new InvalidInputException("data.path " + path + " does not exist (expected " + expected + ")");
        }
        return path;
    }
}
