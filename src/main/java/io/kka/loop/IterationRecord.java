package io.kka.loop;

import io.kka.tune.ModelRef;
import java.util.Map;
import java.util.Objects;

/**
 * What a committed iteration hands to the next ({@code iterations/NNN/iteration.json}, and state.json's
 * per-iteration entry): which model to generate with, and the thresholds of E_t and of the No-anomalies baseline
 * that judge the next generation. Every field is required when read back.
 *
 * @param iteration         t
 * @param lmUsed            the model that wrote G_t
 * @param lmNext            the model for G_{t+1} (after DPO)
 * @param threshold         E_t's Eq. 6 threshold (judges G_{t+1})
 * @param thresholdLevels   E_t's threshold under the other rules
 * @param baselineThreshold the baseline's threshold
 * @param baselineLevels    the baseline's threshold under the other rules
 * @param setSize           |A_t|
 * @param hardFraction      A_t's hard fraction by the baseline
 */
public record IterationRecord(int iteration, ModelRef lmUsed, ModelRef lmNext, double threshold,
        Map<String, Double> thresholdLevels, double baselineThreshold, Map<String, Double> baselineLevels, long setSize,
        double hardFraction) {
    /** Validates: models and levels present. */
    public IterationRecord {
        Objects.requireNonNull(lmUsed, "lm_used");
        Objects.requireNonNull(lmNext, "lm_next");
        thresholdLevels = Map.copyOf(Objects.requireNonNull(thresholdLevels, "threshold_levels"));
        baselineLevels = Map.copyOf(Objects.requireNonNull(baselineLevels, "baseline_levels"));
    }
}
