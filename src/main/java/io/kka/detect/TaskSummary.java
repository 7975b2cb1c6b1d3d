package io.kka.detect;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean, sample standard deviation and the half-width of the two-sided 95% Student-t confidence interval of a
 * metric over tasks (classes × seeds).
 *
 * @param n    number of tasks
 * @param mean mean
 * @param std  sample standard deviation (n − 1); NaN for one task
 * @param ci95 t(0.975, n − 1)·std/√n; NaN for one task
 */
public record TaskSummary(int n, double mean, double std, double ci95) {

    /**
     * @param values one value per task
     * @return the summary
     * @throws IllegalArgumentException for no values
     */
    public static TaskSummary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        int n = values.length;
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new TaskSummary(1, mean, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        return new TaskSummary(n, mean, std, new TDistribution(null, n - 1).inverseCumulativeProbability(0.975) * std / Math.sqrt(n));
    }
}
