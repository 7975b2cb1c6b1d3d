package io.kka.report;

/** "Nice" axis ranges and tick positions (1, 2, 5 × 10^k steps), so that axes read like a hand-drawn chart. */
final class Ticks {
    private Ticks() {
    }

    /**
     * @param lo    smallest value to show
     * @param hi    largest value to show
     * @param count wanted number of intervals, about 5
     * @return the tick step: 1, 2 or 5 times a power of ten
     */
    static double step(double lo, double hi, int count) {
        double span = hi - lo;
        if (!(span > 0) || Double.isInfinite(span)) {
            return 1;
        }
        double raw = span / Math.max(1, count);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    /**
     * @param lo    smallest value to show
     * @param hi    largest value to show (equal to lo widens the range by one unit either side)
     * @param count wanted number of intervals
     * @return {lo', hi', step}: a range covering [lo, hi] whose ends are multiples of the step
     */
    static double[] range(double lo, double hi, int count) {
        return range(lo, hi, count, 0);
    }

    /**
     * @param lo      smallest value to show
     * @param hi      largest value to show
     * @param count   wanted number of intervals
     * @param minStep smallest allowed step (1 for integer axes such as iterations; 0 for none)
     * @return {lo', hi', step} as in {@link #range(double, double, int)}
     */
    static double[] range(double lo, double hi, int count, double minStep) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = Math.max(minStep, step(lo, hi, count));
        return new double[] {Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step};
    }
}
