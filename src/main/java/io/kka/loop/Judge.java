package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.config.SelectionConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A held-out judge of Eq. 6: an evaluator together with the threshold its own validation normals set, applied to
 * anomalies it did not train on. The new generation G_t is judged by E_{t-1} (its hard anomalies are what the
 * update brings in); the first generation G_0, and every anomaly set for the reported hard fraction, by the
 * "No anomalies" baseline E_{-1} (Deep SVDD on the training normals only), which never trains on any anomaly.
 *
 * @param evaluator the evaluator
 * @param selector  its fitted threshold
 * @param name      who it is, for metrics.json ("baseline", "E_1")
 */
record Judge(Detector evaluator, HardAnomalySelector selector, String name) {
    /** name of the baseline judge E_{-1} */
    static final String BASELINE = "baseline";

    /**
     * @param rows usable generated rows (an image, no error)
     * @return the rows with this judge's {@code score} and {@code hardness} (replacing earlier ones)
     */
    Dataset<Row> judge(Dataset<Row> rows) {
        return selector.select(EvaluateStep.score(evaluator, rows));
    }

    /**
     * The judge E_{t-1} of iteration t ≥ 1, from the committed iteration t − 1.
     *
     * @param stages      stages (to load the evaluator)
     * @param selection   selection config
     * @param checkpoints the run's checkpoints
     * @param evaluator   URI of E_{t-1}
     * @param t           the iteration being judged
     * @return the judge
     * @throws IllegalStateException if the committed record lacks a field (a run from an older version)
     */
    static Judge previous(Stages stages, SelectionConfig selection, Checkpoints checkpoints, String evaluator,
            int t) {
        IterationRecord r = checkpoints.record(t - 1);
        return new Judge(stages.load(evaluator), HardAnomalySelector.withThreshold(selection, r.threshold(),
                r.thresholdLevels()), "E_" + (t - 1));
    }

    /**
     * The baseline judge E_{-1} at iteration t ≥ 1, from the committed iteration 0.
     *
     * @param stages      stages (to load the evaluator)
     * @param selection   selection config
     * @param checkpoints the run's checkpoints
     * @param evaluator   URI of the baseline evaluator
     * @return the judge
     */
    static Judge baseline(Stages stages, SelectionConfig selection, Checkpoints checkpoints, String evaluator) {
        IterationRecord r = checkpoints.record(0);
        return new Judge(stages.load(evaluator), HardAnomalySelector.withThreshold(selection, r.baselineThreshold(),
                r.baselineLevels()), BASELINE);
    }
}
