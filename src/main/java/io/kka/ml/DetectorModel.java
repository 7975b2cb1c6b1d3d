package io.kka.ml;

import io.kka.detect.Detector;
import io.kka.detect.Detectors;
import io.kka.store.Fs;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted detector of any kind ({@link DetectorEstimator}'s model): appends the anomaly score. Usage:
 *
 * <pre>{@code
 * DetectorModel m = new DetectorEstimator().setKind("mahalanobis").fit(train);
 * m.write().overwrite().save(uri);
 * Dataset<Row> scored = DetectorModel.load(uri).transform(test);
 * }</pre>
 */
public final class DetectorModel extends AbstractDetectorModel<DetectorModel> {
    private static final long serialVersionUID = 1L;

    /**
     * @param uid      the uid
     * @param detector the fitted detector
     */
    public DetectorModel(String uid, Detector detector) {
        super(uid, detector);
    }

    /**
     * Wraps a detector fitted or loaded elsewhere ({@link Detectors#fit}, {@link Detectors#load}).
     *
     * @param detector the detector
     * @return a model with default columns
     */
    public static DetectorModel of(Detector detector) {
        return new DetectorModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("detectorModel"),
                detector);
    }

    /**
     * The detector in a directory written either by a detector model's {@link #write()} (any of this package's,
     * alone or as a pipeline stage) or by {@link Detectors#save} (the job's {@code kka train} and the loop).
     *
     * @param uri   the directory
     * @param spark the session
     * @return a model with default columns around it
     * @throws io.kka.data.InvalidInputException if the directory holds neither
     */
    public static DetectorModel fromDirectory(String uri, SparkSession spark) {
        boolean stage = Fs.exists(Fs.child(uri, StageIO.METADATA), spark.sparkContext().hadoopConfiguration());
        return of(stage ? readDetector(uri, spark) : Detectors.load(uri, spark));
    }

    @Override
    public DetectorModel copy(ParamMap extra) {
        return copyValues(new DetectorModel(uid(), detector()), extra).setParent(parent());
    }

    /** @return the reader {@link org.apache.spark.ml.PipelineModel#load} calls */
    public static MLReader<DetectorModel> read() {
        return StageIO.reader(DetectorModel.class, (uid, path, spark) -> new DetectorModel(uid,
                readDetector(path, spark)));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the model
     */
    public static DetectorModel load(String path) {
        return read().load(path);
    }
}
