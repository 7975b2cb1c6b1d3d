package io.kka.generate.http;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Usage counters of one generation stage as Spark accumulators: inputs done, rows written, error rows, HTTP
 * requests, retries, replies accepted from the endpoint, tokens, images, cache hits, descriptions dropped for
 * naming a normal class, and the estimated cost paid in this run. Counters are updated by the task thread only
 * (accumulators are not thread-safe). Like every Spark accumulator updated in a transformation, they count a
 * recomputed partition again; the per-row {@code usage} columns are the exact record.
 */
public final class StageMeter implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String stage;
    private final LongAccumulator inputs;
    private final LongAccumulator rows;
    private final LongAccumulator errors;
    private final LongAccumulator requests;
    private final LongAccumulator retries;
    private final LongAccumulator replies;
    private final LongAccumulator tokens;
    private final LongAccumulator images;
    private final LongAccumulator cached;
    private final LongAccumulator dropped;
    private final DoubleAccumulator cost;

    private StageMeter(SparkContext sc, String stage) {
        this.stage = stage;
        this.inputs = sc.longAccumulator("kka." + stage + ".inputs");
        this.rows = sc.longAccumulator("kka." + stage + ".rows");
        this.errors = sc.longAccumulator("kka." + stage + ".error_rows");
        this.requests = sc.longAccumulator("kka." + stage + ".requests");
        this.retries = sc.longAccumulator("kka." + stage + ".retries");
        this.replies = sc.longAccumulator("kka." + stage + ".replies");
        this.tokens = sc.longAccumulator("kka." + stage + ".tokens");
        this.images = sc.longAccumulator("kka." + stage + ".images");
        this.cached = sc.longAccumulator("kka." + stage + ".cache_hits");
        this.dropped = sc.longAccumulator("kka." + stage + ".dropped_normal_mentions");
        this.cost = sc.doubleAccumulator("kka." + stage + ".cost");
    }

    /**
     * @param sc    the driver's context
     * @param stage stage name ("describe", "render"), used in accumulator names and log lines
     * @return registered counters
     */
    public static StageMeter register(SparkContext sc, String stage) {
        return new StageMeter(sc, stage);
    }

    /** @return the stage name */
    public String stage() {
        return stage;
    }

    /**
     * Counts one finished input row (executor side, task thread).
     *
     * @param result    how the call went (null for a row that needed no call)
     * @param converted what it became
     */
    void record(CallResult result, PartitionCaller.Converted converted) {
        inputs.add(1);
        rows.add(converted.rows().size());
        errors.add(converted.errorRows());
        dropped.add(converted.dropped());
        if (result != null) {
            requests.add(result.attempts());
            retries.add(result.retries());
            cached.add(result.cached() ? 1 : 0);
            replies.add(result.ok() && !result.cached() ? 1 : 0);
        }
        Usage u = converted.usage();
        if (!u.cached()) {
            tokens.add(u.promptTokens() + u.completionTokens());
            images.add(u.images());
        }
        cost.add(u.cost());
    }

    /** @return the accumulators by their counter name, for partial updates of running tasks */
    Map<Long, String> ids() {
        Map<Long, String> m = new java.util.LinkedHashMap<>();
        for (AccumulatorV2<?, ?> a : all()) {
            m.put(a.id(), a.name().get().substring(("kka." + stage + ".").length()));
        }
        return m;
    }

    private List<AccumulatorV2<?, ?>> all() {
        return List.of(inputs, rows, errors, requests, retries, replies, tokens, images, cached, dropped, cost);
    }

    /** @return the values merged on the driver so far (finished tasks only) */
    public Snapshot snapshot() {
        return new Snapshot(inputs.value(), rows.value(), errors.value(), requests.value(), retries.value(),
                replies.value(), tokens.value(), images.value(), cached.value(), dropped.value(), cost.value());
    }

    /**
     * Counter values.
     *
     * @param inputs   input rows done
     * @param rows     output rows
     * @param errors   error rows
     * @param requests HTTP attempts
     * @param retries  retries
     * @param replies  successful replies accepted from the endpoint (paid; cache hits excluded)
     * @param tokens   tokens paid (cache hits excluded)
     * @param images   images paid
     * @param cached   cache hits
     * @param dropped  descriptions dropped for naming a normal class
     * @param cost     estimated cost paid
     */
    public record Snapshot(long inputs, long rows, long errors, long requests, long retries, long replies,
            long tokens, long images, long cached, long dropped, double cost) {

        /**
         * @param partial counter name → value of running tasks
         * @return this plus the partial values
         */
        Snapshot plus(Map<String, Double> partial) {
            return new Snapshot(inputs + p(partial, "inputs"), rows + p(partial, "rows"),
                    errors + p(partial, "error_rows"), requests + p(partial, "requests"),
                    retries + p(partial, "retries"), replies + p(partial, "replies"), tokens + p(partial, "tokens"),
                    images + p(partial, "images"),
                    cached + p(partial, "cache_hits"), dropped + p(partial, "dropped_normal_mentions"),
                    cost + partial.getOrDefault("cost", 0.0));
        }

        private static long p(Map<String, Double> partial, String name) {
            return Math.round(partial.getOrDefault(name, 0.0));
        }
    }
}
