package io.kka.cli;

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
import io.kka.detect.TrainThroughput;
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
 * single-JVM DL4J and once through DL4J-on-Spark (parameter averaging), reporting samples/s and their ratio.
 * Run it with {@code submit/kka --master local[2] bench train} for the two-worker comparison.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Training throughput: single-JVM DL4J vs"
        + " DL4J-on-Spark on the same network and data; last line is JSON with single_jvm_sps, spark_sps, ratio.")
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
            TrainThroughput.Result r = TrainThroughput.measure(rows, ev, epochs, seed, stats);
            rows.unpersist();
            print(spec.commandLine().getOut(), r, ev, h.spark().sparkContext().master(), epochs);
        }
        return 0;
    }

    private void print(PrintWriter w, TrainThroughput.Result r, EvaluatorConfig ev, String master, int epochs) {
        double ratio = r.sparkSps() / r.singleJvmSps();
        w.printf(Locale.ROOT, "Deep SAD (%s) on %d Fashion-MNIST normals, %d timed epochs, batch %d per worker,"
                + " averaging every %d minibatches, master %s%n", ev.network().name().toLowerCase(Locale.ROOT),
                r.examples(), epochs, ev.batchSizePerWorker(), ev.averagingFrequency(), master);
        w.printf(Locale.ROOT, "  single JVM DL4J   %8.1f samples/s%n", r.singleJvmSps());
        w.printf(Locale.ROOT, "  DL4J-on-Spark     %8.1f samples/s%n", r.sparkSps());
        w.printf(Locale.ROOT, "  ratio             %8.3f%n", ratio);
        w.printf(Locale.ROOT, "  PNG decoding into cached examples (once, not in either rate): %.1f s%n",
                r.conversionSecs());
        if (!r.sparkStats().isEmpty()) {
            w.println(r.sparkStats());
        }
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("bench", "train").put("single_jvm_sps", Math.round(r.singleJvmSps() * 10) / 10.0)
                .put("spark_sps", Math.round(r.sparkSps() * 10) / 10.0).put("ratio", Math.round(ratio * 1000) / 1000.0)
                .put("examples", r.examples()).put("epochs", epochs).put("batch_size", ev.batchSizePerWorker())
                .put("averaging_frequency", ev.averagingFrequency()).put("master", master);
        w.println(out.toString());
        w.flush();
    }
}
