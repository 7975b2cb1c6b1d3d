package io.kka.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The registry of detector kinds (evaluator.kind) and their saved form: a directory with {@value #META}
 * ({@code {"format": "kka-detector/1", "kind": "deep-sad"}}) beside the kind's own files, written to a temporary
 * sibling and renamed. Directories saved before kinds existed (a Deep SAD model alone) still load as deep-sad.
 */
public final class Detectors {
    /** the file naming a saved detector's kind */
    public static final String META = "detector.json";
    private static final String FORMAT = "kka-detector/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<EvaluatorConfig.Kind, DetectorProvider> PROVIDERS = new EnumMap<>(
            EvaluatorConfig.Kind.class);

    static {
        // the registration lines: one per kind
        PROVIDERS.put(EvaluatorConfig.Kind.DEEP_SAD, new DeepSadProvider());
        PROVIDERS.put(EvaluatorConfig.Kind.MAHALANOBIS, new MahalanobisProvider());
        PROVIDERS.put(EvaluatorConfig.Kind.SIMPLENET, new io.kka.detect.simplenet.SimpleNetProvider());
    }

    private Detectors() {
    }

    /**
     * @param kind a kind
     * @return its provider
     * @throws InvalidInputException if no implementation is registered for it
     */
    public static DetectorProvider provider(EvaluatorConfig.Kind kind) {
        DetectorProvider p = PROVIDERS.get(kind);
        if (p == null) {
            throw new InvalidInputException("evaluator.kind: no detector implementation is registered for '"
                    + ConfigBinder.Names.wire(kind) + "' (registered: " + PROVIDERS.keySet().stream()
                    .map(ConfigBinder.Names::wire).toList() + ")");
        }
        return p;
    }

    /**
     * Fits the configured kind ({@link DetectorProvider#fit}).
     *
     * @param cfg   the evaluator config; its kind chooses the detector
     * @param train rows with {@code image}, {@code sad_label} and {@code sample_id}
     * @param seed  seed
     * @return the fitted detector
     */
    public static Detector fit(EvaluatorConfig cfg, Dataset<Row> train, long seed) {
        return provider(cfg.kind()).fit(train, cfg, seed);
    }

    /**
     * Saves atomically: {@value #META} and the detector's files into a temporary sibling, then renamed.
     *
     * @param d         the detector
     * @param uri       target directory
     * @param overwrite replace an existing directory
     * @param conf      Hadoop configuration
     * @throws IllegalStateException if the target exists and overwrite is false
     */
    public static void save(Detector d, String uri, boolean overwrite, Configuration conf) {
        if (!overwrite && Fs.exists(uri, conf)) {
            throw new IllegalStateException(uri + " already exists (use overwrite to replace it)");
        }
        String tmp = Fs.tempSibling(uri);
        try {
            d.writeTo(tmp, conf);
            Fs.writeString(Fs.child(tmp, META), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                    JSON.createObjectNode().put("format", FORMAT).put("kind", d.kind())
                            .put("description", d.describe())) + "\n", conf);
        } catch (IOException | RuntimeException e) {
            Fs.delete(tmp, conf);
            throw e instanceof IOException io ? new UncheckedIOException("cannot save detector to " + uri, io)
                    : (RuntimeException) e;
        }
        Fs.commit(tmp, uri, overwrite, conf);
    }

    /**
     * @param uri   a directory written by {@link #save}
     * @param spark the session
     * @return the detector, of the kind it was saved as
     * @throws InvalidInputException if the directory holds no detector, or one of an unknown format or kind
     */
    public static Detector load(String uri, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String meta = Fs.child(uri, META);
        if (!Fs.exists(meta, conf)) {
            if (Fs.exists(Fs.child(uri, DeepSadModel.META), conf)) {
                return DeepSadModel.load(uri, spark);
            }
            throw new InvalidInputException("no detector at " + uri + " (no " + META + ")");
        }
        JsonNode m;
        try {
            m = JSON.readTree(Fs.readString(meta, conf));
        } catch (IOException e) {
            throw new InvalidInputException(meta + ": not JSON (" + e.getMessage() + ")");
        }
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new InvalidInputException(meta + ": unknown format '" + m.path("format").asText() + "', expected "
                    + FORMAT);
        }
        String wire = m.path("kind").asText();
        for (EvaluatorConfig.Kind k : EvaluatorConfig.Kind.values()) {
            if (ConfigBinder.Names.wire(k).equals(wire)) {
                return provider(k).read(uri, spark);
            }
        }
        throw new InvalidInputException(meta + ": unknown detector kind '" + wire + "'");
    }
}
