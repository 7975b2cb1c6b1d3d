package io.kka.bench;

import io.kka.detect.NativeBackend;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.DataConfig;
import io.kka.config.EvaluatorConfig;
import io.kka.config.JobConfig;
import io.kka.config.TaskConfig;
import io.kka.data.Columns;
import io.kka.data.DatasetReader;
import io.kka.data.Ingestor;
import io.kka.data.Role;
import io.kka.data.Split;
import io.kka.data.TaskLabels;
import io.kka.detect.SadLabel;
import io.kka.spark.Sessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kka bench train}: the Deep SAD network trained on the same Fashion-MNIST normals once with plain
 * single-JVM DL4J and once through DL4J-on-Spark (parameter averaging), then scored both ways; with
 * {@code --reference pytorch} also by a PyTorch implementation of the same network and loss on the same examples
 * (one child process per thread setting), all in one run so that the ratios are measured side by side.
 * Run it with {@code submit/kka --master local[2] bench train} for the two-worker comparison.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Training and scoring throughput:"
        + " single-JVM DL4J vs DL4J-on-Spark (and PyTorch with --reference pytorch) on the same network and data;"
        + " last line is JSON with dl4j_single_sps, dl4j_spark_sps, pytorch_sps, ratio_vs_pytorch, score_sps, ...")
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--path", paramLabel = "DIR", description = "Fashion-MNIST location (default: data.path).")
    String path;
    @Option(names = "--config", paramLabel = "FILE", description = "Optional YAML config (evaluator section).")
    Path config;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();
    @Option(names = "--class", defaultValue = "0", description = "Normal class (default: ${DEFAULT-VALUE}).")
    String normalClass;
    @Option(names = "--max-train", defaultValue = "2000", description = "Training normals (default:"
            + " ${DEFAULT-VALUE}; 0 = all 6000).")
    int maxTrain;
    @Option(names = "--epochs", defaultValue = "2", description = "Timed epochs per side, after one warm-up epoch"
            + " (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--stats", description = "Print DL4J's Spark training statistics (time per phase).")
    boolean stats;
    @Option(names = "--seed", defaultValue = "12345", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--reference", paramLabel = "IMPL", description = "Also run a reference implementation on the"
            + " same examples: pytorch (submit/bench/deep_sad_reference.py).")
    String reference;
    @Option(names = "--python", paramLabel = "EXE", description = "Interpreter with torch for --reference pytorch"
            + " (default: $KKA_PYTHON, else python3).")
    String python;
    @Option(names = "--script", paramLabel = "FILE", description = "The PyTorch reference script (default:"
            + " submit/bench/deep_sad_reference.py of the installation).")
    Path script;
    @Option(names = "--pytorch-threads", split = ",", paramLabel = "N", description = "torch.set_num_threads"
            + " settings to run; the best is the reference (default: 1 and all cores).")
    List<Integer> pytorchThreads;
    @Option(names = "--levers", description = "Instead: each training-path fix alone against DL4J's own path and"
            + " all of them, one network each, and (28x28) the network as a SameDiff graph, side by side in this JVM"
            + " (single JVM, --steps minibatches each).")
    boolean levers;
    @Option(names = "--steps", defaultValue = "40", description = "Timed minibatches per setting with --levers"
            + " (default: ${DEFAULT-VALUE}).")
    int steps;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> overrides = new ArrayList<>(sets);
        if (path != null) {
            overrides.add("data.path=" + path);
        }
        JobConfig cfg = BenchDetectorsCommand.config(config, List.of(), overrides);
        if (stats && System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            // DL4J's statistics default to an NTP clock, which an offline machine cannot reach
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY,
                    SystemClockTimeSource.class.getName());
        }
        EvaluatorConfig ev = cfg.evaluator();
        DataConfig data = cfg.data();
        if (levers) {
            return levers(spec.commandLine().getOut(), ev, data);
        }
        PyTorchReference ref = null;
        if (reference != null) {
            if (!reference.equals("pytorch")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reference: only pytorch is known, not "
                        + reference);
            }
            String exe = python != null ? python : System.getenv().getOrDefault("KKA_PYTHON", "python3");
            ref = new PyTorchReference(exe, script != null ? script : PyTorchReference.defaultScript());
            ref.check(); // before minutes of DL4J training
        }
        try (Sessions.Handle h = Sessions.open("kka bench train")) {
            List<String> names = DatasetReader.of(data).classNames(h.spark());
            String normal = TaskLabels.resolve(List.of(normalClass), names).iterator().next();
            Dataset<Row> rows = Ingestor.of(data, new TaskConfig(List.of(normal), 0.1, 0.2, maxTrain, 0), seed)
                    .normalized(h.spark())
                    .where(col(Columns.ROLE).equalTo(Role.NORMAL.value()).and(col(Columns.SPLIT)
                            .equalTo(Split.TRAIN.value())))
                    .withColumn(SadLabel.COLUMN, lit(0)).persist(StorageLevel.MEMORY_AND_DISK());
            rows.count();
            Sessions.describe(h.spark(), "kka-bench", "KKA · bench train");
            Path dir = ref == null ? null : java.nio.file.Files.createTempDirectory("kka-bench-train");
            try {
                TrainThroughput.Export export = dir == null ? null
                        : new TrainThroughput.Export(dir.resolve("examples.f32"), dir.resolve("labels.i8"));
                TrainThroughput.Result r = TrainThroughput.measure(rows, ev, epochs, seed, stats, export);
                int dl4jThreads = org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads();
                rows.unpersist();
                List<PyTorchReference.Run> runs = new ArrayList<>();
                if (ref != null) {
                    TrainThroughput.Shape sh = r.shape();
                    for (int t : threadSettings()) {
                        PyTorchReference.Run run = ref.run(export, r.examples(), sh.side(), sh.channels(), sh.repDim(),
                                ev, epochs, t, seed);
                        runs.add(run);
                    }
                }
                print(spec.commandLine().getOut(), r, runs, ev, h.spark(), epochs, dl4jThreads);
            } finally {
                if (dir != null) {
                    try (var files = java.nio.file.Files.list(dir)) {
                        for (Path p : files.toList()) {
                            java.nio.file.Files.deleteIfExists(p);
                        }
                    }
                    java.nio.file.Files.deleteIfExists(dir);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }

    private List<Integer> threadSettings() {
        if (pytorchThreads != null && !pytorchThreads.isEmpty()) {
            return pytorchThreads;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return cores > 1 ? List.of(1, cores) : List.of(1);
    }

    private static double r1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double r3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private int levers(PrintWriter w, EvaluatorConfig ev, DataConfig data) {
        NativeBackend.configure();
        int batch = ev.batchSizePerWorker();
        List<TrainLevers.Rate> rates = TrainLevers.measure(ev, data.imageSize(), batch, steps, seed);
        var speedups = TrainLevers.speedups(rates);
        int threads = org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads();
        w.printf(Locale.ROOT, "Deep SAD training step, batch %d, %d timed steps per setting, ND4J threads %d, %s%n",
                batch, steps, threads, NativeBackend.describe());
        w.printf(Locale.ROOT, "  %-22s %10s %8s%n", "setting", "train/s", "vs dl4j");
        ObjectNode json = new ObjectMapper().createObjectNode().put("bench", "train-levers");
        ObjectNode sps = json.putObject("sps");
        ObjectNode ratio = json.putObject("speedup_vs_dl4j");
        for (TrainLevers.Rate r : rates) {
            w.printf(Locale.ROOT, "  %-22s %10.1f %8.2f%n", r.setting(), r.samplesPerSecond(),
                    speedups.get(r.setting()));
            sps.put(r.setting(), Math.round(r.samplesPerSecond() * 10) / 10.0);
            ratio.put(r.setting(), Math.round(speedups.get(r.setting()) * 1000) / 1000.0);
        }
        if (sps.has(TrainLevers.SAMEDIFF)) {
            w.println("  samediff: the same network and loss as a SameDiff graph, timing only: SameDiff M2"
                    + " differentiates it wrongly (zero convolution gradients; see SameDiffLeNet)");
            json.put("samediff_gradients", "wrong in ND4J M2: timing only");
        }
        json.put("batch_size", batch).put("steps", steps).put("nd4j_threads", threads)
                .put("native", NativeBackend.describe());
        w.println(json);
        w.flush();
        return 0;
    }

    private void print(PrintWriter w, TrainThroughput.Result r, List<PyTorchReference.Run> runs, EvaluatorConfig ev,
            org.apache.spark.sql.SparkSession spark, int epochs, int dl4jThreads) {
        String master = spark.sparkContext().master();
        double ratio = r.sparkSps() / r.singleJvmSps();
        w.printf(Locale.ROOT, "Deep SAD (%s) on %d Fashion-MNIST normals, %d timed epochs, batch %d per worker,"
                + " averaging every %d minibatches, master %s%n", ev.network().name().toLowerCase(Locale.ROOT),
                r.examples(), epochs, ev.batchSizePerWorker(), ev.averagingFrequency(), master);
        w.printf(Locale.ROOT, "native: %s, DL4J layer helpers (oneDNN) %s, single-JVM ND4J threads %d%n",
                io.kka.detect.NativeBackend.describe(), io.kka.detect.NativeBackend.helpersEnabled() ? "on" : "off",
                dl4jThreads);
        w.printf(Locale.ROOT, "  %-34s %10s %10s%n", "", "train/s", "score/s");
        w.printf(Locale.ROOT, "  %-34s %10.1f %10.1f%n", "DL4J single JVM", r.singleJvmSps(),
                r.scoring().singleJvmSps());
        w.printf(Locale.ROOT, "  %-34s %10.1f %10.1f%n", "DL4J-on-Spark (scoring: from PNG)", r.sparkSps(),
                r.scoring().sparkSps());
        PyTorchReference.Run bestTrain = null;
        PyTorchReference.Run bestScore = null;
        for (PyTorchReference.Run p : runs) {
            w.printf(Locale.ROOT, "  %-34s %10.1f %10.1f%n", "PyTorch " + p.version() + ", " + p.threads()
                    + (p.threads() == 1 ? " thread" : " threads"), p.trainSps(), p.scoreSps());
            bestTrain = bestTrain == null || p.trainSps() > bestTrain.trainSps() ? p : bestTrain;
            bestScore = bestScore == null || p.scoreSps() > bestScore.scoreSps() ? p : bestScore;
        }
        w.printf(Locale.ROOT, "  Spark / single JVM (training)      %10.3f%n", ratio);
        if (bestTrain != null) {
            w.printf(Locale.ROOT, "  DL4J-on-Spark / best PyTorch       %10.3f%n", r.sparkSps() / bestTrain.trainSps());
            w.printf(Locale.ROOT, "  DL4J scoring / best PyTorch        %10.3f%n", r.scoring().singleJvmSps()
                    / bestScore.scoreSps());
        }
        w.printf(Locale.ROOT, "  PNG decoding into cached examples (once, not in either training rate): %.1f s%n",
                r.conversionSecs());
        if (!r.sparkStats().isEmpty()) {
            w.println(r.sparkStats());
        }
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("bench", "train").put("dl4j_single_sps", r1(r.singleJvmSps())).put("dl4j_spark_sps", r1(r.sparkSps()))
                .put("spark_vs_single", r3(ratio)).put("score_sps", r1(r.scoring().singleJvmSps()))
                .put("spark_score_sps", r1(r.scoring().sparkSps()));
        if (bestTrain != null) {
            out.put("pytorch_sps", r1(bestTrain.trainSps())).put("ratio_vs_pytorch", r3(r.sparkSps()
                    / bestTrain.trainSps())).put("single_vs_pytorch", r3(r.singleJvmSps() / bestTrain.trainSps()))
                    .put("pytorch_score_sps", r1(bestScore.scoreSps()))
                    .put("score_ratio_vs_pytorch", r3(r.scoring().singleJvmSps() / bestScore.scoreSps()))
                    .put("pytorch_threads", bestTrain.threads()).put("pytorch_score_threads", bestScore.threads())
                    .put("torch", bestTrain.version());
            ObjectNode all = out.putObject("pytorch_by_threads");
            for (PyTorchReference.Run p : runs) {
                all.putObject(Integer.toString(p.threads())).put("train_sps", r1(p.trainSps()))
                        .put("score_sps", r1(p.scoreSps()));
            }
        }
        out.put("dl4j_single_threads", dl4jThreads)
                .put("dl4j_threads_per_worker", TrainThroughput.threadsPerWorker(ev, spark))
                .put("native", io.kka.detect.NativeBackend.describe())
                .put("helpers", io.kka.detect.NativeBackend.helpersEnabled())
                .put("examples", r.examples()).put("epochs", epochs).put("batch_size", ev.batchSizePerWorker())
                .put("averaging_frequency", ev.averagingFrequency()).put("master", master);
        w.println(out.toString());
        w.flush();
    }
}
