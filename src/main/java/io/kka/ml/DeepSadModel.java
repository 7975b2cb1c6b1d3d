package io.kka.ml;

import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.data.InvalidInputException;
import io.kka.detect.Detector;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted Deep SAD detector ({@link DeepSad}'s model; Ruff et al., ICLR 2020): appends ‖φ(x) − c‖² as the anomaly
 * score. Wraps {@link io.kka.detect.DeepSadModel}, the job's own model, which scores on the executors from a
 * broadcast copy of the network.
 */
public final class DeepSadModel extends AbstractDetectorModel<DeepSadModel> {
    private static final long serialVersionUID = 1L;

    /**
     * @param uid      the uid
     * @param detector a deep-sad detector
     * @throws InvalidInputException if the detector is of another kind
     */
    public DeepSadModel(String uid, Detector detector) {
        super(uid, deepSad(detector));
    }

    private static Detector deepSad(Detector d) {
        if (!(d instanceof io.kka.detect.DeepSadModel)) {
            throw new InvalidInputException("DeepSadModel needs a "
                    + ConfigBinder.Names.wire(EvaluatorConfig.Kind.DEEP_SAD) + " detector, found " + d.kind()
                    + " (load it with DetectorModel)");
        }
        return d;
    }

    /** @return the job's Deep SAD model (network φ and centre c) */
    public io.kka.detect.DeepSadModel deepSad() {
        return (io.kka.detect.DeepSadModel) detector();
    }

    /** @return the mean loss of each training epoch (empty for a model trained elsewhere) */
    public List<Double> trainingLosses() {
        return deepSad().trainingLosses();
    }

    /** @return a copy of the centre c */
    public double[] center() {
        return deepSad().center();
    }

    @Override
    public DeepSadModel copy(ParamMap extra) {
        return copyValues(new DeepSadModel(uid(), detector()), extra).setParent(parent());
    }

    /** @return the reader {@link org.apache.spark.ml.PipelineModel#load} calls */
    public static MLReader<DeepSadModel> read() {
        return StageIO.reader(DeepSadModel.class, (uid, path, spark) -> new DeepSadModel(uid,
                readDetector(path, spark)));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the model
     */
    public static DeepSadModel load(String path) {
        return read().load(path);
    }
}
