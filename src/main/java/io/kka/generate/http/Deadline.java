package io.kka.generate.http;

import java.util.function.LongSupplier;

/**
 * A partition's time budget, counted on the executor's monotonic clock from when the partition starts.
 *
 * <p>The budget travels from the driver as a duration ({@code http.deadline_s}), never as a wall-clock instant: an
 * instant computed by the driver and compared on an executor would move with every second of clock skew between
 * the two machines (an executor an hour behind would never time out, one ahead would fail every row at once), and
 * it would also charge a partition for the time it waited in the scheduler's queue.
 */
final class Deadline {
    private static final Deadline NONE = new Deadline(0, 0, System::nanoTime);
    private final long budgetNs;
    private final long startNs;
    private final LongSupplier nanoClock;

    private Deadline(long budgetNs, long startNs, LongSupplier nanoClock) {
        this.budgetNs = budgetNs;
        this.startNs = startNs;
        this.nanoClock = nanoClock;
    }

    /** @return no deadline: {@link #remainingMs()} is practically unbounded */
    static Deadline none() {
        return NONE;
    }

    /**
     * @param seconds the budget, seconds; 0 for none
     * @return a deadline that starts now, on {@link System#nanoTime()}
     */
    static Deadline startingNow(double seconds) {
        return startingNow(seconds, System::nanoTime);
    }

    /**
     * @param seconds   the budget, seconds; 0 for none
     * @param nanoClock a monotonic clock in nanoseconds
     * @return a deadline that starts at the clock's current reading
     */
    static Deadline startingNow(double seconds, LongSupplier nanoClock) {
        if (!(seconds > 0)) {
            return NONE;
        }
        return new Deadline((long) (seconds * 1e9), nanoClock.getAsLong(), nanoClock);
    }

    /** @return milliseconds left (<= 0 once passed); {@code Long.MAX_VALUE / 4} without a deadline */
    long remainingMs() {
        if (budgetNs == 0) {
            return Long.MAX_VALUE / 4;
        }
        return Math.floorDiv(budgetNs - (nanoClock.getAsLong() - startNs), 1_000_000L);
    }
}
