package io.kka.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.data.readers.FashionMnistReader;
import io.kka.detect.TaskSummary;
import io.kka.loop.KkaBench;
import io.kka.spark.Sessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kka bench kka}: the paper's Table III on Fashion-MNIST with the embedded stand-ins. */
@Command(name = "kka", mixinStandardHelpOptions = true, description = "Table III on data we have: for each normal"
        + " class × seed, the No-anomalies baseline (Deep SVDD) and KKA(0..T) in replace mode (or add), with an"
        + " embedded generator that is not told about some anomaly classes; AUROC mean ± 95%% CI over tasks, split"
        + " into anomaly classes the generator knew and did not know, and the hard fraction per iteration."
        + " Resumable: every task is a run directory under --work.")
final class BenchKkaCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "Dataset: fashion-mnist.")
    String dataset;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/kka.yaml",
            description = "Base config (default ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--classes", split = ",", paramLabel = "C", defaultValue = "0,1,2,3,4,5,6,7,8,9",
            description = "Normal classes, names or indices (default: all ten).")
    List<String> classes;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1", description = "Seeds per class (default 1).")
    int seeds;

    @Option(names = "--mode", paramLabel = "add|replace", defaultValue = "replace",
            description = "Anomaly-set update (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--iterations", paramLabel = "T", defaultValue = "3", description = "KKA(0..T) (default 3).")
    int iterations;

    @Option(names = "--unknown", split = ",", paramLabel = "C", defaultValue = "Bag,Sneaker",
            description = "Anomaly classes the embedded generator is not told about (default ${DEFAULT-VALUE}).")
    List<String> unknown;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "runs/bench-kka",
            description = "Where the task run directories go (default ${DEFAULT-VALUE}); rerun to resume.")
    String work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!dataset.equals("fashion-mnist")) {
            throw new InvalidInputException("--dataset must be fashion-mnist (the only dataset available offline),"
                    + " found " + dataset);
        }
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
            KkaBench bench = KkaBench.of(base, work, unknown);
            for (String c : names) {
                for (int s = 0; s < seeds; s++) {
                    tasks.add(bench.run(h.spark(), c, base.run().seed() + s));
                }
            }
        }
        print(spec.commandLine().getOut(), tasks, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void print(PrintWriter out, List<KkaBench.Task> tasks, double seconds) {
        List<String> cols = new ArrayList<>(List.of("no_anomalies"));
        for (int t = 0; t <= iterations; t++) {
            cols.add("kka" + t);
        }
        out.printf("%-14s %5s", "normal class", "seed");
        cols.forEach(c -> out.printf(" %12s", c));
        out.println();
        for (KkaBench.Task t : tasks) {
            out.printf("%-14s %5d %12.4f", t.normalClass(), t.seed(), t.noAnomalies());
            t.kka().forEach(v -> out.printf(" %12.4f", v));
            out.println();
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode json = m.createObjectNode();
        json.put("bench", "kka");
        json.put("mode", mode);
        ArrayNode cls = json.putArray("classes");
        tasks.stream().map(KkaBench.Task::normalClass).distinct().forEach(cls::add);
        json.put("seeds", seeds);
        json.put("tasks", tasks.size());
        ObjectNode columns = json.putObject("columns");
        ObjectNode known = json.putObject("known");
        ObjectNode unknownNode = json.putObject("unknown");
        summarise(out, "all", columns, tasks, KkaBench.Task::noAnomalies, t -> t.kka());
        summarise(out, "known", known, tasks, KkaBench.Task::svddKnown, t -> t.known());
        summarise(out, "unknown", unknownNode, tasks, KkaBench.Task::svddUnknown, t -> t.unknownAuc());
        ArrayNode hard = json.putArray("hard_fraction");
        for (int i = 0; i <= iterations; i++) {
            final int k = i;
            hard.add(TaskSummary.of(tasks.stream().mapToDouble(t -> t.hard().get(k)).toArray()).mean());
        }
        json.putArray("unknown_classes").addAll(unknown.stream().map(m.getNodeFactory()::textNode).toList());
        json.put("seconds", Math.round(seconds));
        out.printf("hard fraction of the anomaly set per iteration: %s%n", hard);
        out.println(json);
        out.flush();
    }

    private void summarise(PrintWriter out, String label, ObjectNode into, List<KkaBench.Task> tasks,
            ToDoubleFunction<KkaBench.Task> svdd, java.util.function.Function<KkaBench.Task, List<Double>> kka) {
        out.printf("%-20s", "mean ± 95% CI " + label);
        put(out, into, "no_anomalies", tasks.stream().mapToDouble(svdd).toArray());
        for (int i = 0; i <= iterations; i++) {
            final int k = i;
            put(out, into, "kka" + i, tasks.stream().mapToDouble(t -> kka.apply(t).get(k)).toArray());
        }
        out.println();
    }

    private static void put(PrintWriter out, ObjectNode into, String key, double[] values) {
        TaskSummary s = TaskSummary.of(values);
        ObjectNode o = into.putObject(key);
        o.put("mean", s.mean());
        if (Double.isNaN(s.ci95())) {
            o.putNull("ci95");
        } else {
            o.put("ci95", s.ci95());
        }
        out.printf(" %6.4f±%-6s", s.mean(), Double.isNaN(s.ci95()) ? "n/a" : String.format("%.4f", s.ci95()));
    }
}
