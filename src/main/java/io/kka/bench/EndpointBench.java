package io.kka.bench;

import io.kka.generate.http.ProgressReporter;
import io.kka.generate.http.HttpDescriptionGenerator;
import io.kka.generate.http.StageMeter;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.when;

import io.kka.config.ConfigLoader;
import io.kka.config.LlmConfig;
import io.kka.generate.GenerationSchemas;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.store.Fs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code kka bench endpoints}: the describe stage (chat client + partition caller + cache) against the loopback
 * fake server, on Spark. A clean run measures throughput against the limit concurrency ÷ latency; a faults run
 * (20% 429 with Retry-After, 10% 5xx, 5% hangs, 5% malformed) checks that every input row comes out exactly once
 * and that no request is charged twice. The fake server runs in the driver JVM, so the Spark master must be
 * local (executors elsewhere cannot reach the driver's loopback).
 *
 * <p>Throughput is reported twice: {@code achieved_rps} over the endpoint's busy window (first request received
 * to last reply written: what the endpoint saw), and {@code job_rps} over the whole Spark action, which adds job
 * scheduling and the final aggregation. A warm-up run on other prompts (same server, same JVM) comes first so
 * that JIT compilation is not measured.
 */
public final class EndpointBench {
    private EndpointBench() {
    }

    /**
     * Benchmark settings.
     *
     * @param requests    input rows (one chat request each)
     * @param latencyMs   the fake server's latency, ms
     * @param concurrency requests in flight (the executor-wide limit; local mode has one executor)
     * @param faults      use the fault mix
     * @param partitions  input partitions (0: Spark's default parallelism)
     * @param timeoutS    per-request timeout, seconds
     * @param retryAfterS Retry-After sent with 429, seconds
     * @param hangMs      how long a hang lasts, ms (past the timeout)
     * @param cache       use the response cache (in a temporary directory)
     * @param seed        fault draws
     * @param warmup      requests of the warm-up run (0: none)
     * @param nasty       with {@code faults}: the nastier mix ({@link FaultMix#nasty}) instead of the standard one
     * @param images      image rows rendered after the chat rows, against the same server's AUTOMATIC1111
     *                    endpoint and fault mix (0: none); counted like the chat rows, not timed
     */
    public record Settings(int requests, long latencyMs, int concurrency, boolean faults, int partitions,
            double timeoutS, double retryAfterS, long hangMs, boolean cache, long seed, int warmup, boolean nasty,
            int images) {
        /** Settings of the standard fault mix and no image rows. */
        public Settings(int requests, long latencyMs, int concurrency, boolean faults, int partitions,
                double timeoutS, double retryAfterS, long hangMs, boolean cache, long seed, int warmup) {
            this(requests, latencyMs, concurrency, faults, partitions, timeoutS, retryAfterS, hangMs, cache, seed,
                    warmup, false, 0);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param spark a session with a local master
     * @param s     settings
     * @return the result fields, in print order
     * @throws IOException if the fake server cannot bind or the cache directory cannot be made
     */
    public static Map<String, Object> run(SparkSession spark, Settings s) throws IOException {
        return run(spark, s, false);
    }

    /**
     * Runs the benchmark, and with {@code ceiling} (clean runs only) then {@link BareClient}'s passes against the same
     * server, side by side with the job.
     *
     * @param spark   a session with a local master
     * @param s       settings
     * @param ceiling also measure the bare client's ceiling
     * @return the result fields, in print order
     * @throws IOException if the fake server cannot bind or the cache directory cannot be made
     */
    public static Map<String, Object> run(SparkSession spark, Settings s, boolean ceiling) throws IOException {
        Path cache = s.cache() ? Files.createTempDirectory("kka-bench-cache") : null;
        try (FakeEndpointServer server = FakeEndpointServer.start(serverOptions(s))) {
            LlmConfig llm = llm(server.openAiBaseUrl(), s);
            String cacheDir = cache == null ? null : cache.toUri().toString();
            warmUp(spark, s, llm, cacheDir);
            server.resetWindow();
            long hitsBefore = server.hits();
            long chargesBefore = server.charges();
            Measured r = measure(spark, s, llm, cacheDir);
            Map<String, Object> m = result(s, r.agg(), r.usage(), server, r.seconds(),
                    spark.sparkContext().defaultParallelism());
            m.put("http_requests", server.hits() - hitsBefore);
            if (s.faults()) {
                m.put("server_charges", server.charges() - chargesBefore);
            }
            if (s.faults() && s.cache()) {
                // the same stage again, as a rerun or a retried task would: succeeded rows must not be re-sent
                Map<String, Integer> charged = server.chargedKeyHits();
                HttpDescriptionGenerator.of(spark, llm, List.of(), cacheDir)
                        .describe(prompts(spark, "bench", s.requests(), s.partitions())).count();
                m.put("rerun_requests_for_charged_rows", server.hitsSince(charged));
            }
            if (ceiling) {
                m.putAll(ceiling(server.openAiBaseUrl(), s, s.requests() / r.seconds()));
            }
            if (s.images() > 0) {
                m.putAll(images(spark, s, server, cacheDir));
            }
            if (s.faults()) {
                // chat and image requests together
                m.put("server_cut_replies", server.cutReplies());
                m.put("faults_served", server.faultsServed());
            }
            return m;
        } finally {
            if (cache != null) {
                Fs.delete(cache.toUri().toString(), spark.sparkContext().hadoopConfiguration());
            }
        }
    }

    /**
     * @param s settings
     * @return the fake server's options for these settings (also for {@code kka bench endpoints --serve})
     */
    public static FakeEndpointServer.Options serverOptions(Settings s) {
        FaultMix mix = !s.faults() ? FaultMix.latency(s.latencyMs())
                : s.nasty() ? FaultMix.nasty(s.latencyMs(), s.retryAfterS(), s.hangMs(), s.seed())
                : FaultMix.standard(s.latencyMs(), s.retryAfterS(), s.hangMs(), s.seed());
        return new FakeEndpointServer.Options(mix, null, 1, List.of(), 8, Math.max(256, 8 * s.concurrency()));
    }

    private static LlmConfig llm(String baseUrl, Settings s) {
        return ConfigLoader.parse("", "bench", List.of("llm.provider=openai", "llm.model=bench-llm",
                "llm.base_url=" + baseUrl, "llm.max_tokens=32",
                "llm.http.concurrency=" + s.concurrency(), "llm.http.timeout_s=" + s.timeoutS(),
                "llm.http.max_retries=8", "llm.http.backoff_initial_ms=100", "llm.http.backoff_max_ms=2000",
                "llm.http.cache=" + s.cache())).llm();
    }

    /**
     * The render stage over {@code s.images()} description rows against the server's AUTOMATIC1111 endpoint (its
     * bodies carry the seed, so a body seen twice is a request paid twice), counted like the chat rows: lost and
     * duplicated rows by {@code source}, error rows, replies accepted beyond one per row, and (with the cache) the
     * requests a rerun sends for rows already paid.
     */
    private static Map<String, Object> images(SparkSession spark, Settings s, FakeEndpointServer server,
            String cacheDir) {
        io.kka.config.JobConfig cfg = ConfigLoader.parse("", "bench", List.of("images.provider=automatic1111",
                "images.model=bench-sd", "images.base_url=" + server.automatic1111BaseUrl(),
                "images.http.concurrency=" + s.concurrency(), "images.http.timeout_s=" + s.timeoutS(),
                "images.http.max_retries=8", "images.http.backoff_initial_ms=100",
                "images.http.backoff_max_ms=2000", "images.http.cache=" + s.cache()));
        int parts = s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism();
        JavaRDD<Row> rows = spark.range(0, s.images(), 1, parts).javaRDD().map(i -> RowFactory.create(
                "img-" + i, "bench-" + i, 0, "a crimson beret with a burn mark (bench image " + i + ")",
                "bench-llm", i, null, null));
        Dataset<Row> descriptions = spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS);
        long hitsBefore = server.hits();
        io.kka.generate.http.HttpImageRenderer r = io.kka.generate.http.HttpImageRenderer.of(spark, cfg.images(),
                cfg.data(), cacheDir);
        Row agg = summarize(r.render(descriptions), "source");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", s.images());
        m.put("images_http_requests", server.hits() - hitsBefore);
        m.put("images_retries", r.meter().snapshot().retries());
        m.put("images_ok", agg.getLong(2));
        m.put("images_error_rows", agg.getLong(3));
        m.put("images_lost", s.images() - agg.getLong(1));
        m.put("images_duplicate_rows", agg.getLong(0) - agg.getLong(1));
        m.put("images_duplicate_charges", r.meter().snapshot().replies() - agg.getLong(4));
        if (s.cache()) {
            Map<String, Integer> charged = server.chargedKeyHits();
            io.kka.generate.http.HttpImageRenderer.of(spark, cfg.images(), cfg.data(), cacheDir).render(descriptions)
                    .count();
            m.put("images_rerun_requests_for_charged_rows", server.hitsSince(charged));
        }
        return m;
    }

    /**
     * The same stage against a server in another process ({@code kka bench endpoints --serve} or any OpenAI-style
     * endpoint), so that the bench does not share its JVM with the server. Without the server's ledger only the job's
     * own figures exist: {@code job_rps} over the whole Spark action (after the warm-up), and the rows' outcomes.
     *
     * @param spark   a session
     * @param s       settings (latency: the external server's, for the limit)
     * @param baseUrl the server's OpenAI base URL ({@code http://HOST:PORT/v1})
     * @return the result fields, in print order
     * @throws IOException if the cache directory cannot be made
     */
    public static Map<String, Object> runExternal(SparkSession spark, Settings s, String baseUrl) throws IOException {
        return runExternal(spark, s, baseUrl, false);
    }

    /**
     * {@link #runExternal(SparkSession, Settings, String)}, and with {@code ceiling} then {@link BareClient}'s passes
     * against the same server.
     *
     * @param spark   a session
     * @param s       settings (latency: the external server's, for the limit)
     * @param baseUrl the server's OpenAI base URL
     * @param ceiling also measure the bare client's ceiling
     * @return the result fields, in print order
     * @throws IOException if the cache directory cannot be made
     */
    public static Map<String, Object> runExternal(SparkSession spark, Settings s, String baseUrl, boolean ceiling)
            throws IOException {
        Path cache = s.cache() ? Files.createTempDirectory("kka-bench-cache") : null;
        try {
            LlmConfig llm = llm(baseUrl, s);
            String cacheDir = cache == null ? null : cache.toUri().toString();
            warmUp(spark, s, llm, cacheDir);
            Measured r = measure(spark, s, llm, cacheDir);
            Row agg = r.agg();
            StageMeter.Snapshot usage = r.usage();
            double seconds = r.seconds();
            double limit = s.concurrency() / (s.latencyMs() / 1000.0);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bench", "endpoints");
            m.put("mode", "external");
            m.put("external", baseUrl);
            m.put("requests", s.requests());
            m.put("concurrency", s.concurrency());
            m.put("latency_ms", s.latencyMs());
            m.put("job_s", round(seconds));
            m.put("job_rps", round(s.requests() / seconds));
            m.put("limit_rps", round(limit));
            m.put("job_ratio", Math.round(s.requests() / seconds / limit * 1000) / 1000.0);
            m.put("ok", agg.getLong(2));
            m.put("error_rows", agg.getLong(3));
            m.put("lost", s.requests() - agg.getLong(1));
            m.put("duplicate_rows", agg.getLong(0) - agg.getLong(1));
            m.put("retries", usage.retries());
            m.put("cache", s.cache());
            m.put("warmup", s.warmup());
            m.put("spark_parallelism", spark.sparkContext().defaultParallelism());
            m.put("partitions", s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism());
            m.put("cpus", Runtime.getRuntime().availableProcessors());
            if (ceiling) {
                m.putAll(ceiling(baseUrl, s, s.requests() / seconds));
            }
            return m;
        } finally {
            if (cache != null) {
                Fs.delete(cache.toUri().toString(), spark.sparkContext().hadoopConfiguration());
            }
        }
    }

    /**
     * The response cache's cost, side by side in one run: the clean describe stage with the cache's append-only
     * segments, with one file per reply (the layout before segments, and the one object stores get), and without a
     * cache, interleaved over {@code rounds} rounds (each round in another order), every pass on its own prompts
     * and its own cache directory so that nothing is a cache hit.
     *
     * @param spark    a session (a local master unless {@code external} is given)
     * @param s        settings (faults are ignored: the clean mix)
     * @param external the base URL of a server in another process, or null for one in this JVM
     * @param rounds   rounds of the three passes, >= 1
     * @return per layout the mean job rate and its ratio to the limit, and the ratios to the run without a cache
     * @throws IOException if the server cannot bind or a cache directory cannot be made
     */
    public static Map<String, Object> compareCache(SparkSession spark, Settings s, String external, int rounds)
            throws IOException {
        String[] layouts = {"segments", "files", "none"};
        Map<String, double[]> rps = new LinkedHashMap<>();
        Map<String, double[]> endpointRps = new LinkedHashMap<>();
        for (String l : layouts) {
            rps.put(l, new double[rounds]);
            endpointRps.put(l, new double[rounds]);
        }
        Settings clean = new Settings(s.requests(), s.latencyMs(), s.concurrency(), false, s.partitions(), s.timeoutS(),
                s.retryAfterS(), s.hangMs(), true, s.seed(), s.warmup(), false, 0);
        FakeEndpointServer server = external == null ? FakeEndpointServer.start(serverOptions(clean)) : null;
        List<Path> dirs = new java.util.ArrayList<>();
        try {
            String base = external != null ? external : server.openAiBaseUrl();
            Path warm = Files.createTempDirectory("kka-bench-cache");
            dirs.add(warm);
            warmUp(spark, clean, llm(base, clean), warm.toUri().toString());
            io.kka.store.HadoopConf conf = io.kka.store.HadoopConf.of(spark);
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < layouts.length; i++) {
                    String layout = layouts[(i + r) % layouts.length];
                    boolean cache = !"none".equals(layout);
                    Settings pass = new Settings(clean.requests(), clean.latencyMs(), clean.concurrency(), false,
                            clean.partitions(), clean.timeoutS(), clean.retryAfterS(), clean.hangMs(), cache,
                            clean.seed(), 0, false, 0);
                    String cacheDir = null;
                    if (cache) {
                        Path d = Files.createTempDirectory("kka-bench-cache");
                        dirs.add(d);
                        cacheDir = d.toUri().toString();
                        if ("files".equals(layout)) {
                            io.kka.generate.http.ResponseCache.oneFilePerReply(cacheDir + "/"
                                    + io.kka.generate.http.EndpointKind.CHAT.label(), conf);
                        }
                    }
                    if (server != null) {
                        server.resetWindow();
                    }
                    HttpDescriptionGenerator gen = HttpDescriptionGenerator.of(spark, llm(base, pass), List.of(),
                            cacheDir);
                    Dataset<Row> out = gen.describe(prompts(spark, "cmp-" + r + "-" + layout, pass.requests(),
                            pass.partitions()));
                    long t0 = System.nanoTime();
                    Row agg = summarize(out);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (agg.getLong(2) != pass.requests()) {
                        throw new IllegalStateException(layout + " pass: " + agg.getLong(2) + " of "
                                + pass.requests() + " rows ok on the clean mix");
                    }
                    rps.get(layout)[r] = pass.requests() / seconds;
                    if (server != null) {
                        endpointRps.get(layout)[r] = pass.requests() / Math.max(server.busySeconds(), 1e-9);
                    }
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
            for (Path d : dirs) {
                Fs.delete(d.toUri().toString(), spark.sparkContext().hadoopConfiguration());
            }
        }
        double limit = s.concurrency() / (s.latencyMs() / 1000.0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bench", "endpoints");
        m.put("mode", "compare-cache");
        m.put("server", external != null ? external : "in this JVM");
        m.put("requests", s.requests());
        m.put("concurrency", s.concurrency());
        m.put("latency_ms", s.latencyMs());
        m.put("limit_rps", round(limit));
        m.put("rounds", rounds);
        double none = mean(rps.get("none"));
        for (String l : layouts) {
            double v = mean(rps.get(l));
            m.put(l + "_job_rps", round(v));
            m.put(l + "_job_ratio", Math.round(v / limit * 1000) / 1000.0);
            if (server != null) {
                double e = mean(endpointRps.get(l));
                m.put(l + "_endpoint_rps", round(e));
                m.put(l + "_endpoint_ratio", Math.round(e / limit * 1000) / 1000.0);
            }
        }
        m.put("segments_vs_no_cache", Math.round(mean(rps.get("segments")) / none * 1000) / 1000.0);
        m.put("files_vs_no_cache", Math.round(mean(rps.get("files")) / none * 1000) / 1000.0);
        m.put("segments_vs_files", Math.round(mean(rps.get("segments")) / mean(rps.get("files")) * 1000) / 1000.0);
        m.put("spark_parallelism", spark.sparkContext().defaultParallelism());
        m.put("partitions", s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        return m;
    }

    /**
     * The bare client's two passes ({@link BareClient.Call#ASYNC}, kka's call, then {@link BareClient.Call#SEND}),
     * each with the job's request count and concurrency on prompts of its own, right after the job.
     *
     * @param baseUrl the server's OpenAI base URL
     * @param s       settings
     * @param jobRps  the job's rate
     * @return ceiling_* fields and the job's rate over the better pass
     */
    private static Map<String, Object> ceiling(String baseUrl, Settings s, double jobRps) {
        double limit = s.concurrency() / (s.latencyMs() / 1000.0);
        Map<String, Object> m = new LinkedHashMap<>();
        double best = 0;
        for (BareClient.Call call : BareClient.Call.values()) {
            BareClient.Pass p;
            try {
                p = BareClient.run(baseUrl + "/chat/completions", s.requests(), s.concurrency(), call,
                        (long) (s.timeoutS() * 1000), "ceiling-" + call.name().toLowerCase(java.util.Locale.ROOT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the bare client", e);
            }
            if (p.ok() != p.requests()) {
                throw new IllegalStateException("bare client: " + p.ok() + " of " + p.requests()
                        + " requests got a 200 from a clean server");
            }
            String k = "ceiling_" + call.name().toLowerCase(java.util.Locale.ROOT);
            m.put(k + "_rps", round(p.rps()));
            m.put(k + "_ratio", Math.round(p.rps() / limit * 1000) / 1000.0);
            m.put(k + "_mean_ms", round(p.meanMs()));
            best = Math.max(best, p.rps());
        }
        m.put("job_vs_ceiling", Math.round(jobRps / best * 1000) / 1000.0);
        return m;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** A warm-up run on other prompts: the same plan as the measured run, so that code generation is not measured. */
    private static void warmUp(SparkSession spark, Settings s, LlmConfig llm, String cacheDir) {
        if (s.warmup() > 0) {
            summarize(HttpDescriptionGenerator.of(spark, llm, List.of(), cacheDir)
                    .describe(prompts(spark, "warmup", s.warmup(), s.partitions())));
        }
    }

    /**
     * @param agg     {@link #summarize} of the output
     * @param usage   the stage meter at the end
     * @param seconds wall time of the Spark action
     */
    private record Measured(Row agg, StageMeter.Snapshot usage, double seconds) {
    }

    /** The measured run: the describe stage over the bench prompts, forced by one aggregate. */
    private static Measured measure(SparkSession spark, Settings s, LlmConfig llm, String cacheDir) {
        HttpDescriptionGenerator gen = HttpDescriptionGenerator.of(spark, llm, List.of(), cacheDir);
        Dataset<Row> out = gen.describe(prompts(spark, "bench", s.requests(), s.partitions()));
        long t0 = System.nanoTime();
        try (ProgressReporter p = ProgressReporter.start(spark.sparkContext(), gen.meter(), s.requests(), 5000)) {
            Row agg = summarize(out);
            return new Measured(agg, p.current(), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** @return rows, distinct prompts, ok rows, error rows, rows holding a paid reply (one row per reply) */
    private static Row summarize(Dataset<Row> out) {
        return summarize(out, "prompt_id");
    }

    /** @return {@link #summarize(Dataset)} with rows identified by {@code id} */
    private static Row summarize(Dataset<Row> out, String id) {
        return out.agg(count("*"), countDistinct(col(id)),
                count(when(col("error").isNull(), 1)), count(when(col("error").isNotNull(), 1)),
                count(when(col("usage.requests").gt(0).and(col("error").isNull()
                        .or(col("error.status").equalTo(200))), 1))).first();
    }

    private static Dataset<Row> prompts(SparkSession spark, String name, int n, int partitions) {
        int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        JavaRDD<Row> rows = spark.range(0, n, 1, parts).javaRDD().map(i -> RowFactory.create(
                name + "-" + i, 0, null, "Describe one anomalous garment (" + name + " prompt " + i + ").",
                scala.collection.immutable.List.empty(), i));
        return spark.createDataFrame(rows, GenerationSchemas.PROMPTS);
    }

    private static Map<String, Object> result(Settings s, Row agg, StageMeter.Snapshot usage,
            FakeEndpointServer server, double seconds, int cores) {
        long rows = agg.getLong(0);
        long distinct = agg.getLong(1);
        double limit = s.concurrency() / (s.latencyMs() / 1000.0);
        double achieved = s.requests() / Math.max(server.busySeconds(), 1e-9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bench", "endpoints");
        m.put("mode", !s.faults() ? "clean" : s.nasty() ? "nasty" : "faults");
        m.put("requests", s.requests());
        m.put("concurrency", s.concurrency());
        m.put("latency_ms", s.latencyMs());
        m.put("achieved_rps", round(achieved));
        m.put("limit_rps", round(limit));
        m.put("ratio", Math.round(achieved / limit * 1000) / 1000.0);
        m.put("endpoint_busy_s", round(server.busySeconds()));
        m.put("job_s", round(seconds));
        m.put("job_rps", round(s.requests() / seconds));
        m.put("job_ratio", Math.round(s.requests() / seconds / limit * 1000) / 1000.0);
        m.put("http_requests", server.hits());
        m.put("retries", usage.retries());
        m.put("cache", s.cache());
        m.put("warmup", s.warmup());
        m.put("spark_parallelism", cores);
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        if (s.faults()) {
            m.put("ok", agg.getLong(2));
            m.put("error_rows", agg.getLong(3));
            m.put("lost", s.requests() - distinct);
            m.put("duplicate_rows", rows - distinct);
            // replies the job accepted (and paid) beyond one per row: a re-request after a success
            m.put("duplicate_charges", usage.replies() - agg.getLong(4));
            m.put("server_charges", server.charges());
            m.put("server_keys_charged_twice", server.keysChargedTwice());
            m.put("timeout_s", s.timeoutS());
            m.put("retry_after_s", s.retryAfterS());
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
