package io.kka.generate.http;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Logs one progress line per stage every few seconds on the driver ("describe: 4200/10000 done, 12 errors,
 * 160.3 rows/s, ETA 36 s, ...") and a final line when closed.
 *
 * <p>Accumulator values reach the driver only when a task ends, which for a few long partitions would mean no
 * progress at all; so the reporter also listens to executor heartbeats, which carry the running tasks' partial
 * accumulator values (every {@code spark.executor.heartbeatInterval}, 10 s by default).
 */
public final class ProgressReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    private final SparkContext sc;
    private final StageMeter meter;
    private final long total;
    private final Map<Long, String> ids;
    private final Map<Long, Map<String, Double>> running = new ConcurrentHashMap<>();
    private final java.util.Set<Long> ended = ConcurrentHashMap.newKeySet();
    private final StageMeter.Snapshot base;
    private final long started = System.nanoTime();
    private final Listener listener = new Listener();
    private final Thread thread;

    private ProgressReporter(SparkContext sc, StageMeter meter, long total, long everyMs) {
        this.sc = sc;
        this.meter = meter;
        this.total = total;
        this.ids = meter.ids();
        this.base = meter.snapshot();
        sc.addSparkListener(listener);
        this.thread = new Thread(() -> loop(everyMs), "kka-progress-" + meter.stage());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts reporting; close it when the stage's action has finished.
     *
     * @param sc      the driver's context
     * @param meter   the stage's counters
     * @param total   input rows expected, or <= 0 when unknown (no percentage or ETA then)
     * @param everyMs interval between lines, milliseconds (e.g. 5000)
     * @return the running reporter
     */
    public static ProgressReporter start(SparkContext sc, StageMeter meter, long total, long everyMs) {
        return new ProgressReporter(sc, meter, total, everyMs);
    }

    /** @return the counters of this stage since the reporter started, running tasks included */
    public StageMeter.Snapshot current() {
        Map<String, Double> partial = new HashMap<>();
        running.values().forEach(m -> m.forEach((k, v) -> partial.merge(k, v, Double::sum)));
        StageMeter.Snapshot now = meter.snapshot().plus(partial);
        return new StageMeter.Snapshot(now.inputs() - base.inputs(), now.rows() - base.rows(),
                now.errors() - base.errors(), now.requests() - base.requests(), now.retries() - base.retries(),
                now.replies() - base.replies(), now.tokens() - base.tokens(), now.images() - base.images(),
                now.cached() - base.cached(),
                now.dropped() - base.dropped(), now.cost() - base.cost());
    }

    /**
     * @param s       counters
     * @param seconds elapsed time
     * @return the progress line
     */
    String line(StageMeter.Snapshot s, double seconds) {
        long done = total > 0 ? Math.min(s.inputs(), total) : s.inputs();
        double rate = done / Math.max(seconds, 1e-9);
        StringBuilder b = new StringBuilder(meter.stage()).append(": ").append(done);
        if (total > 0) {
            b.append('/').append(total).append(String.format(" done (%.0f%%)", 100.0 * done / total));
        } else {
            b.append(" done");
        }
        b.append(String.format(", %d errors, %.1f rows/s", s.errors(), rate));
        if (total > 0 && rate > 0 && done < total) {
            b.append(String.format(", ETA %.0f s", (total - done) / rate));
        }
        b.append(String.format("; %d requests, %d retries, %d cache hits, %d tokens, %d images, cost %.4f",
                s.requests(), s.retries(), s.cached(), s.tokens(), s.images(), s.cost()));
        if (s.dropped() > 0) {
            b.append(", ").append(s.dropped()).append(" descriptions dropped for naming a normal class");
        }
        return b.toString();
    }

    private void loop(long everyMs) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(everyMs);
                LOG.info(line(current(), elapsed()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Stops reporting and logs the final line. */
    @Override
    public void close() {
        thread.interrupt();
        sc.removeSparkListener(listener);
        running.clear();
        LOG.info("{} (finished in {} s)", line(current(), elapsed()), String.format("%.1f", elapsed()));
    }

    /** Keeps the latest partial values of running tasks; forgets a task when it ends (its values are merged). */
    private final class Listener extends SparkListener {
        @Override
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
            for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t
                    : JavaConverters.seqAsJavaList(update.accumUpdates())) {
                Map<String, Double> values = new HashMap<>();
                for (AccumulableInfo info : JavaConverters.seqAsJavaList(t._4())) {
                    String name = ids.get(info.id());
                    if (name != null && info.update().isDefined() && info.update().get() instanceof Number n) {
                        values.put(name, n.doubleValue());
                    }
                }
                // a heartbeat may be delivered after its task's end: its values are merged already
                if (!values.isEmpty() && !ended.contains((Long) t._1())) {
                    running.put((Long) t._1(), values);
                }
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            ended.add(end.taskInfo().taskId());
            running.remove(end.taskInfo().taskId());
        }
    }
}
