package io.kka.generate.http;

/**
 * A thread-safe token bucket with reservations, for requests-per-minute and tokens-per-minute limits.
 *
 * <p>It refills continuously at {@code perMinute / 60} per second up to one second's worth (the burst). A caller
 * reserves its cost and is told how long to wait: when the bucket is not in debt it goes at once (possibly
 * taking the bucket into debt, so a request larger than the burst never deadlocks), otherwise it waits until the
 * debt is repaid. Reservations queue callers in arrival order, so over any window of T seconds at most
 * {@code burst + rate * T} cost is admitted.
 */
public final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    private TokenBucket(double perMinute, long nowNanos) {
        this.perNano = perMinute / 60e9;
        this.capacity = Math.max(1.0, perMinute / 60.0);
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /**
     * @param perMinute the rate, > 0
     * @return a full bucket
     */
    public static TokenBucket perMinute(double perMinute) {
        if (!(perMinute > 0)) {
            throw new IllegalArgumentException("rate must be > 0, found " + perMinute);
        }
        return new TokenBucket(perMinute, System.nanoTime());
    }

    /**
     * Reserves {@code cost} now.
     *
     * @param cost permits (requests or tokens), >= 0
     * @return nanoseconds the caller must wait before it may proceed
     */
    public long reserve(double cost) {
        return reserve(cost, System.nanoTime());
    }

    synchronized long reserve(double cost, long nowNanos) {
        refill(nowNanos);
        long wait = tokens >= 0 ? 0L : (long) Math.ceil(-tokens / perNano);
        tokens -= cost;
        return wait;
    }

    /**
     * Returns permits: a reservation that was not used, or the difference between an estimate and the actual
     * cost (negative to charge more).
     *
     * @param amount permits to return
     */
    public synchronized void refund(double amount) {
        refill(System.nanoTime());
        tokens = Math.min(capacity, tokens + amount);
    }

    private void refill(long nowNanos) {
        if (nowNanos > last) {
            tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
            last = nowNanos;
        }
    }
}
