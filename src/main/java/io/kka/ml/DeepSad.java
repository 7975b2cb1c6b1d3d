package io.kka.ml;

import io.kka.config.EvaluatorConfig;
import io.kka.detect.Detector;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * Deep SAD (Ruff et al., "Deep Semi-Supervised Anomaly Detection", ICLR 2020) as a Spark ML estimator: KKA's
 * confusion evaluator (Eq. 5), trained with DL4J on Spark. Rows whose label column is −1 are labelled anomalies,
 * pushed away from the centre c; without any, it is Deep SVDD. Usage:
 *
 * <pre>{@code
 * DeepSad sad = new DeepSad().setEpochs(30).setLabelCol("sad_label");
 * DeepSadModel model = sad.fit(train);            // columns image (PNG bytes) and sad_label
 * Dataset<Row> scored = model.transform(test);   // test + score
 * }</pre>
 *
 * <p>Defaults are those of {@code evaluator} in the job's config ({@link EvaluatorConfig#defaults()}).
 */
public final class DeepSad extends AbstractDetectorEstimator<DeepSad, DeepSadModel> {
    private static final long serialVersionUID = 1L;

    /** A Deep SAD estimator with a random uid and default params. */
    public DeepSad() {
        this(Identifiable$.MODULE$.randomUID("deepSad"));
    }

    /** @param uid the uid (used by {@code copy} and the reader) */
    public DeepSad(String uid) {
        super(uid);
    }

    /**
     * @param cfg  an evaluator config; its Deep SAD and encoder settings become the params (its kind is ignored)
     * @param seed the seed
     * @return the estimator
     */
    public static DeepSad of(EvaluatorConfig cfg, long seed) {
        return new DeepSad().configure(cfg).setSeed(seed);
    }

    @Override
    protected EvaluatorConfig.Kind detectorKind() {
        return EvaluatorConfig.Kind.DEEP_SAD;
    }

    @Override
    protected DeepSadModel newModel(String uid, Detector detector) {
        return new DeepSadModel(uid, detector);
    }

    /** @return the reader {@link org.apache.spark.ml.Pipeline#load} calls */
    public static MLReader<DeepSad> read() {
        return StageIO.reader(DeepSad.class, (uid, path, spark) -> new DeepSad(uid));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the estimator
     */
    public static DeepSad load(String path) {
        return read().load(path);
    }
}
