package io.kka.bench;

import io.kka.config.ConfigBinder;
import io.kka.config.ConfigLoader;
import io.kka.config.EvaluatorConfig;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.data.readers.FashionMnistReader;
import io.kka.spark.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kka bench kka}: the paper's Table III on Fashion-MNIST with the embedded stand-ins, with the no-DPO and
 * random ablations, paired differences and the Eq. 8 ratios.
 */
@Command(name = "kka", mixinStandardHelpOptions = true, description = "Table III on data we have: for each normal"
        + " class × seed, the No-anomalies baseline, KKA(0..T) in replace mode (or add), and two ablations forked from"
        + " the same iteration 0: no-DPO (every iteration regenerates with the untuned model) and random (random new"
        + " anomalies replace random members, as many as KKA's rule would). Prints AUROC mean ± 95%% CI over tasks,"
        + " paired differences KKA(T) − KKA(0), KKA(T) − no-DPO(T), KKA(T) − random(T) with their CIs, the Eq. 8"
        + " ratios, AUROC on anomaly classes the generator knew and did not know, hard fractions and class entropy."
        + " Resumable: every task and variant is a run directory under --work.")
final class BenchKkaCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "Dataset: fashion-mnist.")
    String dataset;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/quickstart.yaml",
            description = "Base config (default ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--classes", split = ",", paramLabel = "C", defaultValue = "T-shirt/top,Pullover,Dress,Coat,Shirt",
            description = "Normal classes, names or indices (default: ${DEFAULT-VALUE}, the five garment classes"
                    + " that are hardest to tell apart).")
    List<String> classes;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "2", description = "Seeds per class (default 2).")
    int seeds;

    @Option(names = "--mode", paramLabel = "add|replace", defaultValue = "replace",
            description = "Anomaly-set update (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--iterations", paramLabel = "T", defaultValue = "3", description = "KKA(0..T) (default 3).")
    int iterations;

    @Option(names = "--unknown", split = ",", paramLabel = "C", defaultValue = "Bag,Sneaker",
            description = "Anomaly classes the embedded generator is not told about (default ${DEFAULT-VALUE}).")
    List<String> unknown;

    @Option(names = "--detector", paramLabel = "KIND", defaultValue = "deep-sad",
            description = "Detector X of two extra columns: deep-sad (default: the loop's own detector, whose columns"
                    + " are no_anom and kka<T>; nothing extra is fitted), simplenet or mahalanobis: X fitted on each"
                    + " finished KKA run's training normals alone (column X) and on the normals plus the run's final"
                    + " anomaly set A_T as labelled anomalies (X_kka), both scored on the run's test split, with their"
                    + " evaluator.* settings (cached beside the run).")
    String detector;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "runs/bench-kka",
            description = "Where the run directories go (default ${DEFAULT-VALUE}); rerun to resume.")
    String work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!dataset.equals("fashion-mnist")) {
            throw new InvalidInputException("--dataset must be fashion-mnist (the only dataset available offline),"
                    + " found " + dataset);
        }
        EvaluatorConfig.Kind kind = kind(detector);
        List<String> sets = new ArrayList<>(overrides);
        sets.addAll(List.of("run.mode=" + mode, "run.iterations=" + iterations, "data.dataset=fashion-mnist"));
        JobConfig base = ConfigLoader.load(config, sets);
        List<String> names = new ArrayList<>();
        for (String c : classes) {
            names.add(c.matches("\\d+") ? FashionMnistReader.CLASSES.get(Integer.parseInt(c)) : c);
        }
        long start = System.nanoTime();
        List<KkaBench.Task> tasks = new ArrayList<>();
        try (Sessions.Handle h = Sessions.open("kka bench kka")) {
            KkaBench bench = KkaBench.of(base, work, unknown, kind);
            for (String c : names) {
                for (int s = 0; s < seeds; s++) {
                    tasks.add(bench.run(h.spark(), c, base.run().seed() + s));
                }
            }
        }
        BenchKkaReport.print(spec.commandLine().getOut(), tasks, iterations, mode, seeds, unknown,
                ConfigBinder.Names.wire(kind), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private EvaluatorConfig.Kind kind(String wire) {
        for (EvaluatorConfig.Kind k : EvaluatorConfig.Kind.values()) {
            if (ConfigBinder.Names.wire(k).equals(wire)) {
                return k;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--detector must be one of "
                + java.util.Arrays.stream(EvaluatorConfig.Kind.values()).map(ConfigBinder.Names::wire).toList()
                + ", found '" + wire + "'");
    }
}
