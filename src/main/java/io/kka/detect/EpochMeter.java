package io.kka.detect;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the training workers after every minibatch and adds its loss and size to Spark accumulators, so the
 * driver can log the exact example-weighted mean loss of an epoch (the training master only reports the last
 * averaging round).
 */
final class EpochMeter implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final DoubleAccumulator lossSum;
    private final LongAccumulator examples;

    EpochMeter(DoubleAccumulator lossSum, LongAccumulator examples) {
        this.lossSum = lossSum;
        this.examples = examples;
    }

    /** Clears both accumulators (driver side, before an epoch). */
    void reset() {
        lossSum.reset();
        examples.reset();
    }

    /** @return examples seen since the last reset */
    long examples() {
        return examples.value();
    }

    /** @return mean loss per example since the last reset (NaN if none) */
    double meanLoss() {
        return examples.value() == 0 ? Double.NaN : lossSum.value() / examples.value();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        // nothing before the update
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        int n = minibatch.numExamples();
        lossSum.add(model.score() * n);
        examples.add(n);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        // MultiLayerNetwork training never passes MultiDataSets
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // MultiLayerNetwork training never passes MultiDataSets
    }
}
