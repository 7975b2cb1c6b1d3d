package io.kka.generate.http;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one partition caller behind every HTTP stage: turns a partition's input rows into output rows by calling
 * an endpoint for each, many at a time, and never lets a failure escape as an exception.
 *
 * <p>Input is consumed lazily on the task thread (Spark's iterators are not thread-safe) and handed to a bounded
 * pool of this partition; at most twice the pool size rows are pending, so memory stays flat whatever the
 * partition size. The executor-wide limits ({@link ExecutorLimits}) bound what is actually in flight. Output comes
 * in completion order, so one slow row does not hold back the others. Every input row yields its rows exactly
 * once: a reply, or an error row built by the {@link RowCall}.
 */
public final class PartitionCaller {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCaller.class);

    private PartitionCaller() {
    }

    /** The protocol-specific part of a stage: request building and reply conversion for one row. */
    public interface RowCall extends Serializable {
        /**
         * @param row an input row
         * @return its request, or null when the row needs no call (it is converted with a null result)
         */
        CallRequest request(Row row);

        /**
         * @param row    the input row
         * @param result the call's result (null for a row that needed no call)
         * @return the output rows, at least one
         */
        Converted convert(Row row, CallResult result);

        /**
         * @param row   the input row
         * @param error an unexpected failure while building or converting
         * @return error rows standing for the input row
         */
        List<Row> failed(Row row, CallError error);
    }

    /**
     * What an input row became.
     *
     * @param rows      output rows (at least one)
     * @param usage     the usage of its call, as attributed to the rows
     * @param errorRows how many of the rows are error rows
     * @param dropped   descriptions dropped for naming a normal class
     */
    public record Converted(List<Row> rows, Usage usage, int errorRows, int dropped) {
    }

    /**
     * @param input   the partition's rows
     * @param call    the stage's row call
     * @param caller  the endpoint caller of this partition
     * @param meter   the stage's counters
     * @param threads pool size of this partition (>= 1); more threads than the executor's in-flight limit let
     *                rows that wait out a backoff or Retry-After leave the connections to others
     * @return output rows, lazily
     */
    public static Iterator<Row> run(Iterator<Row> input, RowCall call, EndpointCaller caller, StageMeter meter,
            int threads) {
        return new Output(input, call, caller, meter, threads);
    }

    /** One input row's work, run on the pool. */
    private record Done(CallResult result, Converted converted) {
    }

    private static final class Output implements Iterator<Row> {
        private final Iterator<Row> input;
        private final RowCall call;
        private final EndpointCaller caller;
        private final StageMeter meter;
        private final ExecutorService pool;
        private final CompletionService<Done> done;
        private final int window;
        private final Deque<Row> ready = new ArrayDeque<>();
        private final long started = System.nanoTime();
        private int pending;
        private long inputs;
        private long errors;
        private long dropped;

        Output(Iterator<Row> input, RowCall call, EndpointCaller caller, StageMeter meter, int threads) {
            this.input = input;
            this.call = call;
            this.caller = caller;
            this.meter = meter;
            this.pool = newPool(meter.stage(), threads);
            this.done = new ExecutorCompletionService<>(pool);
            this.window = 2 * threads;
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> pool.shutdownNow());
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty()) {
                while (pending < window && input.hasNext()) {
                    Row row = input.next();
                    done.submit(() -> work(row));
                    pending++;
                }
                if (pending == 0) {
                    finish();
                    return false;
                }
                take();
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private Done work(Row row) {
            CallResult result = null;
            try {
                CallRequest req = call.request(row);
                result = req == null ? null : caller.call(req);
                return new Done(result, call.convert(row, result));
            } catch (RuntimeException e) {
                // a bug in request building or conversion must still give the row its error, not kill the task
                int attempts = result == null ? 0 : result.attempts();
                CallError err = new CallError(meter.stage(), null, "internal error: " + e, attempts);
                LOG.warn("{}: row failed unexpectedly", meter.stage(), e);
                List<Row> rows = call.failed(row, err);
                return new Done(result, new Converted(rows, Usage.NONE, rows.size(), 0));
            }
        }

        private void take() {
            try {
                Future<Done> f = done.take();
                pending--;
                Done d = f.get();
                meter.record(d.result(), d.converted());
                inputs++;
                errors += d.converted().errorRows();
                dropped += d.converted().dropped();
                ready.addAll(d.converted().rows());
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(meter.stage() + ": task interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(meter.stage() + ": unexpected failure", e.getCause());
            }
        }

        private void finish() {
            pool.shutdown();
            double s = (System.nanoTime() - started) / 1e9;
            TaskContext task = TaskContext.get();
            LOG.info("{} partition {}: {} inputs in {} s ({} rows/s), {} error rows, {} descriptions dropped for"
                    + " naming a normal class", meter.stage(), task == null ? "-" : task.partitionId(), inputs,
                    String.format("%.1f", s), String.format("%.1f", inputs / Math.max(s, 1e-9)), errors, dropped);
        }
    }

    private static ExecutorService newPool(String stage, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "kka-" + stage + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
