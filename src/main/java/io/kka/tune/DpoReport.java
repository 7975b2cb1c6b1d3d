package io.kka.tune;

import java.util.List;

/**
 * What a DPO run did.
 *
 * @param pairs         preference pairs given
 * @param steps         optimiser steps taken (0 when there were no pairs)
 * @param lossPerStep   mean DPO loss of each step's minibatch, before the step
 * @param marginPerStep mean implicit reward margin z of each step's minibatch, before the step
 * @param finalLoss     mean loss over all pairs after tuning (log 2 ≈ 0.693 means no preference learned)
 * @param finalMargin   mean reward margin over all pairs after tuning (> 0: chosen preferred)
 * @param finalAccuracy fraction of pairs whose margin is > 0 after tuning
 * @param seconds       wall time of the run
 */
public record DpoReport(int pairs, int steps, List<Double> lossPerStep, List<Double> marginPerStep,
        double finalLoss, double finalMargin, double finalAccuracy, double seconds) implements java.io.Serializable {
    /** Copies the lists. */
    public DpoReport {
        lossPerStep = List.copyOf(lossPerStep);
        marginPerStep = List.copyOf(marginPerStep);
    }
}
