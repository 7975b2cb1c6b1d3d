package io.kka.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigLoader;
import io.kka.config.DataConfig;
import io.kka.config.JobConfig;
import io.kka.config.TaskConfig;
import io.kka.data.DatasetReader;
import io.kka.data.Ingestor;
import io.kka.data.TaskLabels;
import io.kka.detect.OneClassBench;
import io.kka.detect.TaskSummary;
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
    /** Deep SAD (γ_l = 0) = Deep SVDD on Fashion-MNIST, mean ± std over tasks (Ruff et al. 2020) */
    static final double ANCHOR_SVDD = 89.2;
    static final double ANCHOR_SVDD_STD = 6.2;
    /** GEOM (Golan and El-Yaniv 2018): mean and per class 0–9 */
    static final double ANCHOR_GEOM = 93.5;
    static final double[] GEOM = {99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2};
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
                DataConfig.BadRecordPolicy.FAIL, cfg.data().partitions(), cfg.data().extensions());
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
            BenchReport.print(spec.commandLine().getOut(), names, normal, results, cfg, seeds, maxTrain, maxTest,
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /** The table and the closing JSON line. */
    static final class BenchReport {
        private BenchReport() {
        }

        /** @return v in percent with one decimal, or null for NaN (one task has no CI) */
        static Double pct(double v) {
            return Double.isNaN(v) ? null : Math.round(v * 1000) / 10.0;
        }

        static void print(PrintWriter w, List<String> names, List<String> normal, List<OneClassBench.Result> results,
                JobConfig cfg, int seeds, int maxTrain, int maxTest, double seconds) {
            var ev = cfg.evaluator();
            w.printf(Locale.ROOT, "Deep SVDD (%s, %d epochs, lr %s, milestones %s, batch %d, pretrain %s) and"
                    + " Mahalanobis (Eq. 1, K=%d, %s %dx%d); AUROC %%, mean over %d seed(s)%n", ev.network()
                    .name().toLowerCase(Locale.ROOT), ev.epochs(), ev.learningRate(), ev.milestones(),
                    ev.batchSizePerWorker(), ev.pretrain().enabled() ? ev.pretrain().epochs() + " epochs" : "off",
                    cfg.representatives().k(), "pixels", cfg.representatives().pixelSize(),
                    cfg.representatives().pixelSize(), seeds);
            w.printf("%-3s %-12s %10s %10s %12s %8s%n", "#", "normal", "DeepSVDD", "AUPRC", "Mahalanobis", "GEOM*");
            ObjectMapper json = new ObjectMapper();
            ObjectNode perClass = json.createObjectNode();
            ObjectNode perClassMaha = json.createObjectNode();
            List<Double> svdd = new ArrayList<>();
            List<Double> maha = new ArrayList<>();
            List<Double> auprc = new ArrayList<>();
            for (String c : normal) {
                int idx = names.indexOf(c);
                List<OneClassBench.Result> rs = results.stream().filter(r -> r.normalClass().equals(c)).toList();
                double a = rs.stream().mapToDouble(r -> r.svdd().auroc()).average().orElse(Double.NaN);
                double p = rs.stream().mapToDouble(r -> r.svdd().auprc()).average().orElse(Double.NaN);
                double m = rs.stream().filter(r -> r.mahalanobis() != null)
                        .mapToDouble(r -> r.mahalanobis().auroc()).average().orElse(Double.NaN);
                rs.forEach(r -> svdd.add(r.svdd().auroc()));
                rs.forEach(r -> auprc.add(r.svdd().auprc()));
                rs.stream().filter(r -> r.mahalanobis() != null).forEach(r -> maha.add(r.mahalanobis().auroc()));
                perClass.put(String.valueOf(idx), pct(a));
                if (!Double.isNaN(m)) {
                    perClassMaha.put(String.valueOf(idx), pct(m));
                }
                w.printf(Locale.ROOT, "%-3d %-12s %10.1f %10.1f %12s %8.1f%n", idx, c, 100 * a, 100 * p,
                        Double.isNaN(m) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * m), GEOM[idx]);
            }
            TaskSummary s = TaskSummary.of(svdd.stream().mapToDouble(Double::doubleValue).toArray());
            TaskSummary sp = TaskSummary.of(auprc.stream().mapToDouble(Double::doubleValue).toArray());
            TaskSummary sm = maha.isEmpty() ? null : TaskSummary.of(maha.stream().mapToDouble(d -> d).toArray());
            w.printf(Locale.ROOT, "%-16s %10s %10s %12s%n", "mean ± 95% CI", ci(s), ci(sp), sm == null ? "-" : ci(sm));
            w.printf(Locale.ROOT, "%-16s %10s%n", "std over tasks", std(s));
            w.printf(Locale.ROOT, "published: Deep SVDD / Deep SAD γ_l=0 %.1f ± %.1f (mean ± std, Ruff et al. 2020);"
                    + " GEOM %.1f (* per-class GEOM column, Golan & El-Yaniv 2018)%n", ANCHOR_SVDD,
                    ANCHOR_SVDD_STD, ANCHOR_GEOM);
            printPairs(w, names, normal, results);
            ObjectNode out = json.createObjectNode();
            out.put("bench", "detectors").put("dataset", "fashion-mnist").put("unit", "auroc_percent");
            var cl = out.putArray("classes");
            normal.forEach(c -> cl.add(names.indexOf(c)));
            out.put("auroc_mean", pct(s.mean())).put("auroc_ci95", pct(s.ci95())).put("auroc_std", pct(s.std()))
                    .put("auprc_mean", pct(sp.mean()));
            out.set("per_class", perClass);
            if (sm != null) {
                out.putObject("mahalanobis").put("auroc_mean", pct(sm.mean())).put("auroc_ci95", pct(sm.ci95()))
                        .set("per_class", perClassMaha);
            }
            out.put("epochs", cfg.evaluator().epochs()).put("pretrain_epochs", cfg.evaluator().pretrain().enabled()
                    ? cfg.evaluator().pretrain().epochs() : 0).put("learning_rate", cfg.evaluator().learningRate())
                    .put("batch_size", cfg.evaluator().batchSizePerWorker()).put("seeds", seeds)
                    .put("max_train", maxTrain).put("max_test_per_class", maxTest)
                    .put("seconds", Math.round(seconds));
            out.putObject("anchors").put("deep_svdd", ANCHOR_SVDD).put("deep_svdd_std", ANCHOR_SVDD_STD)
                    .put("geom", ANCHOR_GEOM);
            w.println(out.toString());
            w.flush();
        }

        private static String ci(TaskSummary s) {
            return Double.isNaN(s.ci95()) ? String.format(Locale.ROOT, "%.1f", 100 * s.mean())
                    : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * s.mean(), 100 * s.ci95());
        }

        private static String std(TaskSummary s) {
            return Double.isNaN(s.std()) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * s.std());
        }

        /** Deep SVDD AUROC of each normal class (row) against each anomaly class (column), first seed. */
        private static void printPairs(PrintWriter w, List<String> names, List<String> normal,
                List<OneClassBench.Result> results) {
            w.println("Deep SVDD AUROC %, normal class (row) vs each anomaly class (column):");
            StringBuilder head = new StringBuilder(String.format("%-4s", ""));
            for (int j = 0; j < names.size(); j++) {
                head.append(String.format("%6d", j));
            }
            w.println(head);
            for (String c : normal) {
                OneClassBench.Result r = results.stream().filter(x -> x.normalClass().equals(c)).findFirst()
                        .orElseThrow();
                StringBuilder line = new StringBuilder(String.format("%-4d", names.indexOf(c)));
                for (String a : names) {
                    Double v = r.svddPerClass().get(a);
                    line.append(v == null ? String.format("%6s", "-") : String.format(Locale.ROOT, "%6.1f", 100 * v));
                }
                w.println(line);
            }
        }
    }
}
