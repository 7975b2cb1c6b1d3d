package io.kka.bench;

import io.kka.config.ConfigLoader;
import io.kka.config.DataConfig;
import io.kka.config.JobConfig;
import io.kka.config.TaskConfig;
import io.kka.data.DatasetReader;
import io.kka.data.Ingestor;
import io.kka.data.TaskLabels;
import io.kka.spark.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kka bench detectors --dataset fashion-mnist}: the one-class benchmark of Ruff et al. 2020 — each class
 * in turn is normal, the other classes of the test split are anomalies — for Deep SVDD (Deep SAD with γ_l = 0)
 * and the Eq. 1 Mahalanobis baseline, next to published anchors.
 */
@Command(name = "detectors", mixinStandardHelpOptions = true, description = "One-class detector benchmark: for each"
        + " class, train Deep SVDD and the Eq. 1 Mahalanobis detector on its training images and measure AUROC"
        + " against the other classes of the test split. Defaults follow the Deep SAD reference protocol (150"
        + " epochs, lr 1e-4, milestone 50, batch 128, weight decay 0.5e-6, 150 epochs of autoencoder pretraining).")
final class BenchDetectorsCommand implements Callable<Integer> {
    /** the reference protocol as config overrides, applied before the user's */
    static final List<String> PROTOCOL = List.of("evaluator.learning_rate=1e-4", "evaluator.epochs=150",
            "evaluator.milestones=[50]", "evaluator.batch_size_per_worker=128", "evaluator.weight_decay=0.5e-6",
            "evaluator.pretrain.enabled=true", "evaluator.pretrain.epochs=150", "evaluator.pretrain.learning_rate=1e-4",
            "evaluator.pretrain.weight_decay=0.5e-3");

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "Dataset: fashion-mnist.")
    String dataset;
    @Option(names = "--path", paramLabel = "DIR", description = "Dataset location (default: data.path).")
    String path;
    @Option(names = "--config", paramLabel = "FILE", description = "Optional YAML config; its evaluator and"
            + " representatives sections replace the reference protocol.")
    Path config;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();
    @Option(names = "--classes", split = ",", paramLabel = "C", description = "Normal classes (indices or names;"
            + " default: all).")
    List<String> classes;
    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per class (default: ${DEFAULT-VALUE}).")
    int seeds;
    @Option(names = "--seed", defaultValue = "12345", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--epochs", description = "Deep SVDD epochs (evaluator.epochs).")
    Integer epochs;
    @Option(names = "--pretrain-epochs", description = "Autoencoder pretraining epochs; 0 disables pretraining.")
    Integer pretrainEpochs;
    @Option(names = "--lr", description = "Adam learning rate (evaluator.learning_rate).")
    Double lr;
    @Option(names = "--milestones", split = ",", description = "Learning-rate milestones (epochs).")
    List<Integer> milestones;
    @Option(names = "--batch-size", description = "Batch size per worker.")
    Integer batch;
    @Option(names = "--max-train", defaultValue = "0", description = "At most this many training normals per task"
            + " (seeded; 0 = all).")
    int maxTrain;
    @Option(names = "--max-test-per-class", defaultValue = "0", description = "At most this many test images per"
            + " class (seeded; 0 = all).")
    int maxTest;
    @Option(names = "--no-mahalanobis", description = "Skip the Eq. 1 baseline.")
    boolean noMahalanobis;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The effective config: reference protocol, then the file (if any), then --set and the shorthands. */
    static JobConfig config(Path file, List<String> sets, List<String> shorthands) {
        List<String> overrides = new ArrayList<>(sets);
        overrides.addAll(shorthands);
        if (file != null) {
            return ConfigLoader.load(file, overrides);
        }
        List<String> all = new ArrayList<>(PROTOCOL);
        all.addAll(overrides);
        return ConfigLoader.parse("", "bench defaults", all);
    }

    private List<String> shorthands() {
        List<String> s = new ArrayList<>();
        if (epochs != null) {
            s.add("evaluator.epochs=" + epochs);
        }
        if (pretrainEpochs != null) {
            s.add("evaluator.pretrain.enabled=" + (pretrainEpochs > 0));
            s.add("evaluator.pretrain.epochs=" + Math.max(1, pretrainEpochs));
        }
        if (lr != null) {
            s.add("evaluator.learning_rate=" + lr);
        }
        if (milestones != null) {
            s.add("evaluator.milestones=" + milestones);
        }
        if (batch != null) {
            s.add("evaluator.batch_size_per_worker=" + batch);
        }
        if (path != null) {
            s.add("data.path=" + path);
        }
        return s;
    }

    @Override
    public Integer call() {
        if (!"fashion-mnist".equals(dataset)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataset: only fashion-mnist is supported,"
                    + " found '" + dataset + "'");
        }
        JobConfig cfg = config(config, sets, shorthands());
        DataConfig data = new DataConfig(DataConfig.DatasetKind.FASHION_MNIST, cfg.data().path(), null, 28, 1,
                false, false, DataConfig.CaptionPolicy.NONE, DataConfig.ClassLevel.FINE,
                DataConfig.BadRecordPolicy.FAIL, cfg.data().partitions(), cfg.data().extensions(),
                cfg.data().maxImagePixels(), List.of());
        long start = System.nanoTime();
        try (Sessions.Handle h = Sessions.open("kka bench detectors")) {
            List<String> names = DatasetReader.of(data).classNames(h.spark());
            List<String> normal = classes == null ? names : List.copyOf(TaskLabels.resolve(classes, names));
            Sessions.describe(h.spark(), "kka-bench", "KKA · bench detectors · ingest " + data.path());
            Dataset<Row> all = Ingestor.of(data, new TaskConfig(List.of(names.get(0)), 0.1, 0.2, 0, 0), seed)
                    .normalized(h.spark()).persist(StorageLevel.MEMORY_AND_DISK());
            OneClassBench bench = OneClassBench.of(cfg.evaluator(), noMahalanobis ? null : cfg.representatives(),
                    maxTrain, maxTest);
            List<OneClassBench.Result> results = new ArrayList<>();
            for (String c : normal) {
                for (int s = 0; s < seeds; s++) {
                    Sessions.describe(h.spark(), "kka-bench", "KKA · bench detectors · normal " + c + " seed " + s);
                    results.add(bench.run(all, c, seed + s));
                }
            }
            all.unpersist();
            BenchDetectorsReport.print(spec.commandLine().getOut(), names, normal, results, cfg, seeds, maxTrain, maxTest,
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
