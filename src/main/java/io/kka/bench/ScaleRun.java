package io.kka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phases of {@code kka bench scale} and its figures. Each phase runs in a child JVM ({@link ScalePhase}) with
 * {@code --master local-cluster[E,1,M]}: Spark's master and workers run inside that driver JVM and start every
 * executor as a separate JVM, so the heap the child reports is the driver's, not the executors'. The workers need
 * a {@code SPARK_HOME}; the bench gives them one with an empty {@code jars/} and hands the executors this JVM's
 * class path ({@code spark.executor.extraClassPath}), so no Spark distribution is needed. Each driver JVM gets a
 * fixed heap ({@code -Xms = -Xmx}) and young generation and the serial collector, so its peak heap is comparable
 * between phases and corpus sizes.
 */
final class ScaleRun {
    private static final Logger LOG = LoggerFactory.getLogger(ScaleRun.class);
    /** the phases, in run order */
    static final List<String> PHASES = List.of("ingest", "binaryfile", "loop", "score");
    private static final long PHASE_TIMEOUT_MIN = 120;

    private ScaleRun() {
    }

    /**
     * What to run.
     *
     * @param work             work folder (absolute)
     * @param mnist            Fashion-MNIST IDX folder
     * @param base             images of the 1× corpus
     * @param factors          scale factors, ascending
     * @param executors        executor JVMs per phase
     * @param executorMemoryMb heap of each executor
     * @param driverMemoryMb   fixed heap of each phase's driver
     * @param loop             run the loop iteration
     * @param keep             keep the tables after the run
     * @param seed             augmentation and run seed
     */
    record Settings(Path work, String mnist, int base, List<Integer> factors, int executors, int executorMemoryMb,
            int driverMemoryMb, boolean loop, boolean keep, long seed) {
    }

    /**
     * Builds the corpora (in this JVM's session) and runs every phase of every factor.
     *
     * @param spark this JVM's session, for the corpus jobs
     * @param s     settings
     * @param log   progress lines
     * @return the figures, as the JSON line prints them
     */
    static Map<String, Object> run(SparkSession spark, Settings s, PrintWriter log) throws IOException {
        Path home = s.work().resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "scale");
        r.put("base", s.base());
        r.put("factors", s.factors());
        r.put("master", master(s));
        r.put("driver_heap_mb", s.driverMemoryMb());
        r.put("executor_memory_mb", s.executorMemoryMb());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        boolean ok = true;
        Map<String, Object> per = new LinkedHashMap<>();
        for (int f : s.factors()) {
            Path corpus = s.work().resolve("corpus-b" + s.base() + "-x" + f);
            long t0 = System.nanoTime();
            boolean cached = ScaleCorpus.cached(corpus, ScaleCorpus.figures(s.base(), f, s.seed()))
                    != null;
            long images = ScaleCorpus.build(spark, s.mnist(), corpus, s.base(), f, s.seed());
            double build = (System.nanoTime() - t0) / 1e9;
            log.printf(Locale.ROOT, "x%d: corpus of %d PNG files %s (%.1f s)%n", f, images,
                    cached ? "reused" : "written", build);
            log.flush();
            Path dir = s.work().resolve("x" + f);
            ScaleCorpus.deleteTree(dir);
            Files.createDirectories(dir);
            Path cfg = dir.resolve("kka.yaml");
            Files.writeString(cfg, config(dir.resolve("run"), corpus, s.seed()));
            String samples = dir.resolve("run/samples").toString();
            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("images", images);
            fig.put("corpus_cached", cached);
            fig.put("corpus_build_s", build);
            Map<String, JsonNode> res = new LinkedHashMap<>();
            for (String phase : PHASES) {
                List<String> args = switch (phase) {
                    case "ingest" -> List.of("kka", "ingest", cfg.toString(), "--output", samples, "--overwrite");
                    case "binaryfile" -> List.of("binaryfile", corpus.toString(), dir.resolve("binaryfile").toString(),
                            "28", "1");
                    case "loop" -> List.of("kka", "run", cfg.toString());
                    case "score" -> List.of("score", dir.resolve("run/final/detector").toString(), samples,
                            dir.resolve("scores").toString());
                    default -> throw new IllegalStateException(phase);
                };
                if (phase.equals("loop") && !s.loop()) {
                    args = List.of("kka", "train", cfg.toString(), "--output",
                            dir.resolve("run/final/detector").toString(), "--overwrite");
                }
                JsonNode p = phase(s, home, dir, phase, args);
                res.put(phase, p);
                log.printf(Locale.ROOT, "x%d: %-10s %8.1f s  driver peak heap %6.1f MiB (live %6.1f MiB)%s%n", f,
                        phase, p.path("wall_s").asDouble(), p.path("driver_peak_heap_mb").asDouble(),
                        p.path("driver_peak_live_mb").asDouble(), p.path("exit").asInt() == 0 ? ""
                                : "  FAILED (exit " + p.path("exit").asInt() + ", see " + dir.resolve(phase + ".log")
                                + ")");
                log.flush();
                if (p.path("exit").asInt() != 0) {
                    ok = false;
                    if (phase.equals("binaryfile")) {
                        continue; // the baseline failing (say, its driver-side listing out of heap) is a figure too
                    }
                    if (!phase.equals("loop") || !s.loop()) {
                        break;
                    }
                    // scoring still needs a detector: train one as --no-loop would
                    JsonNode t = phase(s, home, dir, "train", List.of("kka", "train", cfg.toString(), "--output",
                            dir.resolve("run/final/detector").toString(), "--overwrite"));
                    log.printf(Locale.ROOT, "x%d: %-10s %8.1f s (a detector for scoring; exit %d)%n", f, "train",
                            t.path("wall_s").asDouble(), t.path("exit").asInt());
                    if (t.path("exit").asInt() != 0) {
                        break;
                    }
                }
            }
            figures(fig, res, images, s.loop());
            per.put(f + "x", fig);
            fig.put("phases_ok", res.values().stream().allMatch(p -> p.path("exit").asInt() == 0));
            if (!s.keep()) {
                for (String d : List.of("run", "binaryfile", "scores")) {
                    ScaleCorpus.deleteTree(dir.resolve(d));
                }
            }
        }
        r.put("per_factor", per);
        r.put("phases_ok", ok);
        if (s.factors().size() >= 2 && per.size() == s.factors().size()) {
            ratios(r, per, s.factors());
        }
        return r;
    }

    /** Fills one factor's figures from its phase results. */
    static void figures(Map<String, Object> fig, Map<String, JsonNode> res, long images, boolean loop) {
        JsonNode in = res.get("ingest");
        JsonNode bf = res.get("binaryfile");
        JsonNode sc = res.get("score");
        if (in != null) {
            fig.put("ingest_s", in.path("wall_s").asDouble());
            fig.put("ingest_ips", images / in.path("wall_s").asDouble());
        }
        if (bf != null) {
            fig.put("binaryfile_s", bf.path("wall_s").asDouble());
            fig.put("binaryfile_ips", images / bf.path("wall_s").asDouble());
            fig.put("binaryfile_rows", bf.path("rows").asLong());
        }
        if (in != null && bf != null) {
            fig.put("ingest_vs_binaryfile", bf.path("wall_s").asDouble() / in.path("wall_s").asDouble());
        }
        JsonNode lp = res.get("loop");
        if (lp != null) {
            fig.put(loop ? "loop_s" : "train_s", lp.path("wall_s").asDouble());
        }
        if (sc != null) {
            fig.put("score_s", sc.path("wall_s").asDouble());
            fig.put("score_rows", sc.path("rows").asLong());
            fig.put("score_ips", sc.path("rows").asLong() / sc.path("wall_s").asDouble());
        }
        Map<String, Double> heap = new LinkedHashMap<>();
        Map<String, Double> live = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : res.entrySet()) {
            String name = e.getKey().equals("loop") && !loop ? "train" : e.getKey();
            heap.put(name, e.getValue().path("driver_peak_heap_mb").asDouble());
            live.put(name, e.getValue().path("driver_peak_live_mb").asDouble());
        }
        fig.put("driver_peak_heap_mb", heap);
        fig.put("driver_peak_live_mb", live);
    }

    /**
     * Adds the largest factor's figures over the smallest's: heap per phase, times, and the targets. The heap
     * target ({@code heap_..._max}) is over kka's own phases; the binaryFile baseline's ratio is reported beside
     * them (Spark's file index lists every file on the driver, so it grows with the corpus).
     */
    @SuppressWarnings("unchecked")
    static void ratios(Map<String, Object> r, Map<String, Object> per, List<Integer> factors) {
        int lo = factors.get(0);
        int hi = factors.get(factors.size() - 1);
        Map<String, Object> a = (Map<String, Object>) per.get(lo + "x");
        Map<String, Object> b = (Map<String, Object>) per.get(hi + "x");
        String tag = hi + "x_over_" + lo + "x";
        double growth = (double) ((Number) b.get("images")).longValue() / ((Number) a.get("images")).longValue();
        r.put("images_" + tag, growth);
        Map<String, Double> heap = new LinkedHashMap<>();
        Map<String, Double> live = new LinkedHashMap<>();
        Map<String, Double> ha = (Map<String, Double>) a.get("driver_peak_heap_mb");
        Map<String, Double> hb = (Map<String, Double>) b.get("driver_peak_heap_mb");
        Map<String, Double> la = (Map<String, Double>) a.get("driver_peak_live_mb");
        Map<String, Double> lb = (Map<String, Double>) b.get("driver_peak_live_mb");
        double worst = 0;
        for (String p : ha.keySet()) {
            if (hb.containsKey(p)) {
                heap.put(p, hb.get(p) / ha.get(p));
                live.put(p, lb.get(p) / la.get(p));
                if (!p.equals("binaryfile")) { // the baseline's driver heap is Spark's listing, not kka's
                    worst = Math.max(worst, hb.get(p) / ha.get(p));
                }
            }
        }
        r.put("heap_" + tag, heap);
        r.put("heap_" + tag + "_max", worst);
        r.put("live_heap_" + tag, live);
        Map<String, Double> time = new LinkedHashMap<>();
        for (String k : List.of("ingest_s", "binaryfile_s", "loop_s", "train_s", "score_s")) {
            if (a.containsKey(k) && b.containsKey(k)) {
                time.put(k.substring(0, k.length() - 2), (Double) b.get(k) / (Double) a.get(k));
            }
        }
        r.put("time_" + tag, time);
        double worstTime = time.entrySet().stream().filter(e -> !e.getKey().equals("loop")
                && !e.getKey().equals("train")).mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("driver_heap_within_1_2x", worst <= 1.2);
        targets.put("time_at_most_linear", worstTime <= growth);
        boolean fast = true;
        for (Object v : per.values()) {
            Object x = ((Map<String, Object>) v).get("ingest_vs_binaryfile");
            fast &= x instanceof Double d && d >= 0.9;
        }
        targets.put("ingest_at_least_0_9_of_binaryfile", fast);
        r.put("targets", targets);
    }

    /** Runs one phase in its own driver JVM and returns its result JSON (exit -1 and a reason if none came). */
    static JsonNode phase(Settings s, Path home, Path dir, String phase, List<String> args) throws IOException {
        Path result = dir.resolve(phase + ".json");
        Files.deleteIfExists(result);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + s.driverMemoryMb() + "m");
        cmd.add("-Xmx" + s.driverMemoryMb() + "m");
        cmd.add("-Xmn" + Math.max(64, s.driverMemoryMb() / 8) + "m");
        cmd.add("-XX:+UseSerialGC");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-XX:+IgnoreUnrecog")
                    || a.startsWith("-Dorg.bytedeco") || a.startsWith("-Dlog4j")) {
                cmd.add(a);
            }
        }
        String cp = System.getProperty("java.class.path");
        cmd.add("-Dspark.master=" + master(s));
        cmd.add("-Dspark.executor.memory=" + s.executorMemoryMb() + "m");
        cmd.add("-Dspark.executor.extraClassPath=" + cp);
        cmd.add("-Dspark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=3G"
                + " -Dorg.bytedeco.javacpp.maxphysicalbytes=6G");
        cmd.add("-Dspark.ui.enabled=false");
        cmd.add("-Dspark.ui.showConsoleProgress=false");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(ScalePhase.class.getName());
        cmd.add(result.toString());
        cmd.add(String.valueOf(s.executors()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(phase + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_CONF_DIR");
        LOG.info("bench scale: {} {}", phase, args);
        Process p = pb.start();
        ObjectMapper json = new ObjectMapper();
        try {
            if (!p.waitFor(PHASE_TIMEOUT_MIN, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return json.createObjectNode().put("exit", -1).put("reason", "timed out after "
                        + PHASE_TIMEOUT_MIN + " min");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!Files.isRegularFile(result)) {
            return json.createObjectNode().put("exit", p.exitValue() == 0 ? -1 : p.exitValue())
                    .put("reason", "no result file");
        }
        try {
            return json.readTree(result.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the phases' master: E workers of one core and the executor memory each */
    static String master(Settings s) {
        return "local-cluster[" + s.executors() + ",1," + s.executorMemoryMb() + "]";
    }

    /**
     * The phases' config: the folder corpus with its captions file, every image kept (no subsampling), a tiny
     * loop budget with the embedded stand-ins.
     */
    static String config(Path run, Path corpus, long seed) {
        return String.join("\n",
                "run: {name: kka-bench-scale, dir: '" + run + "', seed: " + seed + ", iterations: 1, mode: replace}",
                "data: {dataset: folder, path: '" + corpus + "', captions_file: " + ScaleCorpus.CAPTIONS
                        + ", image_size: 28, channels: 1}",
                "task: {normal_classes: [Trouser], val_fraction: 0.1}",
                "evaluator: {epochs: 1, batch_size_per_worker: 64, workers: 2}",
                "representatives: {k: 3}",
                "llm: {provider: embedded, prompts_per_iteration: 6, descriptions_per_prompt: 4}",
                "images: {provider: embedded}",
                "selection: {anomaly_set_size: 20, pairs_per_iteration: 8}",
                "tuning: {provider: embedded}", "");
    }

    /** Prints the table. */
    @SuppressWarnings("unchecked")
    static void table(Map<String, Object> r, PrintWriter out) {
        Map<String, Object> per = (Map<String, Object>) r.get("per_factor");
        out.printf(Locale.ROOT, "%n%-6s %9s %9s %9s %9s %7s %9s %9s %9s   %s%n", "factor", "images", "ingest_s",
                "img/s", "binfile/s", "ratio", "loop_s", "score_s", "score/s", "driver peak heap MiB (live)");
        for (Map.Entry<String, Object> e : per.entrySet()) {
            Map<String, Object> f = (Map<String, Object>) e.getValue();
            StringBuilder heap = new StringBuilder();
            Map<String, Double> h = (Map<String, Double>) f.get("driver_peak_heap_mb");
            Map<String, Double> l = (Map<String, Double>) f.get("driver_peak_live_mb");
            h.forEach((k, v) -> heap.append(String.format(Locale.ROOT, "%s %.0f (%.0f)  ", k, v, l.get(k))));
            out.printf(Locale.ROOT, "%-6s %9d %9.1f %9.0f %9.0f %7.2f %9.1f %9.1f %9.0f   %s%n", e.getKey(),
                    ((Number) f.get("images")).longValue(), num(f, "ingest_s"), num(f, "ingest_ips"),
                    num(f, "binaryfile_ips"), num(f, "ingest_vs_binaryfile"),
                    f.containsKey("loop_s") ? num(f, "loop_s") : num(f, "train_s"), num(f, "score_s"),
                    num(f, "score_ips"), heap.toString().strip());
        }
        for (String k : r.keySet()) {
            if (k.startsWith("heap_") || k.startsWith("time_") || k.startsWith("live_heap_") || k.equals("targets")) {
                out.printf(Locale.ROOT, "  %-28s %s%n", k, r.get(k));
            }
        }
    }

    private static double num(Map<String, Object> f, String k) {
        Object v = f.get(k);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
