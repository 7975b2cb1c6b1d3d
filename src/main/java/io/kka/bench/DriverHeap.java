package io.kka.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap of this JVM during one phase of a benchmark, from the JVM's own beans. Two figures:
 * <ul>
 *   <li><b>peak used</b>: the sum over the heap pools of {@link MemoryPoolMXBean#getPeakUsage()} since
 *       {@link #start}, which resets the peaks after a full GC. It is an upper bound of what the phase needed at
 *       once (each pool's peak may fall at a different moment), and it includes garbage not yet collected;</li>
 *   <li><b>peak live</b>: the largest heap in use right after a full GC. A sampler thread calls
 *       {@link System#gc()} every {@code everyMs} milliseconds and reads the heap's use, so what stays in use
 *       between samples is seen, while short-lived garbage is not.</li>
 * </ul>
 * State that grows with the corpus (a listing held at once, a collect) shows in both; a heap that is merely
 * larger because the young generation grew shows only in the first. Benchmarks run the measured JVM with a fixed
 * heap and young generation so the first is comparable between runs.
 */
final class DriverHeap implements AutoCloseable {
    private final Thread sampler;
    private final AtomicLong peakLive = new AtomicLong();
    private volatile boolean running = true;

    private DriverHeap(long everyMs) {
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "kka-driver-heap");
        sampler.setDaemon(true);
    }

    /**
     * Collects, resets the pools' peaks and starts sampling.
     *
     * @param everyMs interval of the sampler's full GCs, ms (at least 50)
     * @return the running recorder
     */
    static DriverHeap start(long everyMs) {
        System.gc();
        for (MemoryPoolMXBean p : heapPools()) {
            p.resetPeakUsage();
        }
        DriverHeap h = new DriverHeap(Math.max(50, everyMs));
        h.sample();
        h.sampler.start();
        return h;
    }

    private void sample() {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peakLive.accumulateAndGet(used, Math::max);
    }

    /**
     * What the phase used.
     *
     * @param peakUsedBytes sum of the heap pools' peak use
     * @param peakLiveBytes largest heap use right after a full GC
     */
    record Figures(long peakUsedBytes, long peakLiveBytes) {
        /** @return peak used, MiB */
        double peakUsedMb() {
            return peakUsedBytes / (1024.0 * 1024.0);
        }

        /** @return peak live, MiB */
        double peakLiveMb() {
            return peakLiveBytes / (1024.0 * 1024.0);
        }
    }

    /** @return the figures so far (the sampler keeps running) */
    Figures figures() {
        long used = 0;
        for (MemoryPoolMXBean p : heapPools()) {
            used += p.getPeakUsage().getUsed();
        }
        return new Figures(used, peakLive.get());
    }

    /** Stops the sampler after one last sample. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .filter(MemoryPoolMXBean::isValid).toList();
    }
}
