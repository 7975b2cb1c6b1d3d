package io.kka.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.detect.TaskSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Prints {@code kka bench kka}: one row per task, mean ± 95% CI over tasks per column (all test anomalies, the
 * classes the generator knew, the ones it did not), paired differences with their CIs, the Eq. 8 ratios (geometric
 * mean over tasks, CI of the mean log ratio), hard fractions and class entropy per iteration, and as its last line
 * one JSON object with all of it.
 */
final class BenchKkaReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchKkaReport() {
    }

    /** A column of the table: its name and how to read it off a task. */
    private record Col(String name, ToDoubleFunction<KkaBench.Task> all, ToDoubleFunction<KkaBench.Task> known,
            ToDoubleFunction<KkaBench.Task> unknown) {
    }

    /**
     * @param detector the --detector kind; for one other than deep-sad every task carries its
     *                 {@link DetectorRefit.Figures}, printed as the columns X and X_kka
     */
    static void print(PrintWriter out, List<KkaBench.Task> tasks, int iterations, String mode, int seeds,
            List<String> unknownClasses, String detector, double seconds) {
        String x = tasks.stream().anyMatch(t -> t.detector() != null) ? detector.replace('-', '_') : null;
        List<Col> cols = columns(iterations, x);
        out.printf(Locale.ROOT, "%-14s %5s", "normal class", "seed");
        cols.forEach(c -> out.printf(Locale.ROOT, " %" + width(c) + "s", c.name()));
        out.println();
        for (KkaBench.Task t : tasks) {
            out.printf(Locale.ROOT, "%-14s %5d", t.normalClass(), t.seed());
            cols.forEach(c -> out.printf(Locale.ROOT, " %" + width(c) + ".4f", c.all().applyAsDouble(t)));
            out.println();
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("bench", "kka");
        json.put("mode", mode);
        json.put("detector", detector);
        if (x != null) {
            json.put("detector_description", tasks.get(0).detector().detector());
        }
        ArrayNode cls = json.putArray("classes");
        tasks.stream().map(KkaBench.Task::normalClass).distinct().forEach(cls::add);
        json.put("seeds", seeds);
        json.put("tasks", tasks.size());
        json.put("iterations", iterations);
        summarise(out, "all", json.putObject("columns"), tasks, cols, Col::all);
        summarise(out, "known", json.putObject("known"), tasks, cols, Col::known);
        summarise(out, "unknown", json.putObject("unknown"), tasks, cols, Col::unknown);
        ObjectNode paired = json.putObject("paired");
        out.println("paired differences of test AUROC (mean ± 95% CI over tasks):");
        int last = iterations;
        pair(out, paired, "kka" + last + "_minus_kka0", tasks, t -> at(t, "kka", last) - at(t, "kka", 0));
        pair(out, paired, "kka" + last + "_minus_no_dpo" + last, tasks,
                t -> at(t, "kka", last) - at(t, "no_dpo", last));
        pair(out, paired, "kka" + last + "_minus_random" + last, tasks,
                t -> at(t, "kka", last) - at(t, "random", last));
        pair(out, paired, "kka0_minus_no_anomalies", tasks, t -> at(t, "kka", 0) - t.noAnomalies());
        if (x != null) {
            pair(out, paired, x + "_kka_minus_" + x, tasks, t -> t.detector().kka() - t.detector().alone());
            pair(out, paired, x + "_kka_minus_kka" + last, tasks, t -> t.detector().kka() - at(t, "kka", last));
        }
        eq8(out, json.putArray("eq8"), tasks, iterations);
        for (String key : List.of("hard_set", "hard_new", "class_entropy")) {
            ObjectNode o = json.putObject(key);
            for (String v : KkaBench.VARIANTS) {
                ArrayNode a = o.putArray(v);
                for (int i = 0; i <= iterations; i++) {
                    final int k = i;
                    a.add(TaskSummary.of(tasks.stream().mapToDouble(t -> pick(t.variants().get(v), key).get(k))
                            .toArray()).mean());
                }
            }
            out.printf(Locale.ROOT, "%s per iteration (mean over tasks): %s%n", key, o);
        }
        json.putArray("unknown_classes").addAll(unknownClasses.stream().map(JSON.getNodeFactory()::textNode)
                .toList());
        json.set("per_task", JSON.valueToTree(tasks));
        json.put("seconds", Math.round(seconds));
        out.println(json);
        out.flush();
    }

    private static int width(Col c) {
        return Math.max(9, c.name().length());
    }

    private static List<Col> columns(int iterations, String detector) {
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("no_anom", KkaBench.Task::noAnomalies, KkaBench.Task::svddKnown,
                KkaBench.Task::svddUnknown));
        for (String v : KkaBench.VARIANTS) {
            for (int i = v.equals("kka") ? 0 : 1; i <= iterations; i++) {
                final int k = i;
                String name = (v.equals("kka") ? "kka" : v.equals("no_dpo") ? "nodpo" : "rand") + k;
                cols.add(new Col(name, t -> at(t, v, k), t -> t.variants().get(v).known().get(k),
                        t -> t.variants().get(v).unknownAuc().get(k)));
            }
        }
        if (detector != null) {
            cols.add(new Col(detector, t -> t.detector().alone(), t -> t.detector().aloneKnown(),
                    t -> t.detector().aloneUnknown()));
            cols.add(new Col(detector + "_kka", t -> t.detector().kka(), t -> t.detector().kkaKnown(),
                    t -> t.detector().kkaUnknown()));
        }
        return cols;
    }

    private static double at(KkaBench.Task t, String variant, int i) {
        return t.variants().get(variant).auroc().get(i);
    }

    private static List<Double> pick(KkaBench.Series s, String key) {
        return switch (key) {
            case "hard_set" -> s.hardSet();
            case "hard_new" -> s.hardNew();
            default -> s.entropy();
        };
    }

    private static void summarise(PrintWriter out, String label, ObjectNode into, List<KkaBench.Task> tasks,
            List<Col> cols, Function<Col, ToDoubleFunction<KkaBench.Task>> which) {
        out.printf(Locale.ROOT, "%-20s", "mean ± CI " + label);
        for (Col c : cols) {
            TaskSummary s = TaskSummary.of(tasks.stream().mapToDouble(which.apply(c)).toArray());
            ObjectNode o = into.putObject(c.name());
            o.put("mean", s.mean());
            if (Double.isNaN(s.std())) {
                o.putNull("std");
            } else {
                o.put("std", s.std());
            }
            putCi(o, s.ci95());
            out.printf(Locale.ROOT, " %.4f±%s", s.mean(), Double.isNaN(s.ci95()) ? "n/a"
                    : String.format(Locale.ROOT, "%.4f", s.ci95()));
        }
        out.println();
    }

    private static void pair(PrintWriter out, ObjectNode into, String name, List<KkaBench.Task> tasks,
            ToDoubleFunction<KkaBench.Task> diff) {
        TaskSummary s = TaskSummary.of(tasks.stream().mapToDouble(diff).toArray());
        ObjectNode o = into.putObject(name);
        o.put("mean", s.mean());
        putCi(o, s.ci95());
        boolean excludes = !Double.isNaN(s.ci95()) && Math.abs(s.mean()) > s.ci95();
        o.put("ci_excludes_zero", excludes);
        out.printf(Locale.ROOT, "  %-28s %+.4f ± %s%s%n", name, s.mean(), Double.isNaN(s.ci95()) ? "n/a"
                : String.format(Locale.ROOT, "%.4f", s.ci95()), excludes ? "  (CI excludes 0)" : "");
    }

    /** Eq. 8 per iteration: geometric mean of the per-task ratios, CI from the mean log ratio. */
    private static void eq8(PrintWriter out, ArrayNode into, List<KkaBench.Task> tasks, int iterations) {
        out.println("Eq. 8 (hard anomalies after / before DPO, same prompts, judged by E_{t-1}):");
        for (int i = 1; i <= iterations; i++) {
            final int k = i;
            double[] logs = tasks.stream().mapToDouble(t -> t.variants().get("kka").eq8().get(k))
                    .filter(r -> Double.isFinite(r) && r > 0).map(Math::log).toArray();
            ObjectNode o = into.addObject();
            o.put("iteration", k);
            o.put("tasks", logs.length);
            o.put("above_one", java.util.Arrays.stream(logs).filter(l -> l > 0).count());
            if (logs.length == 0) {
                o.putNull("geo_mean");
                o.putNull("ci95");
                continue;
            }
            TaskSummary s = TaskSummary.of(logs);
            o.put("geo_mean", Math.exp(s.mean()));
            if (Double.isNaN(s.ci95())) {
                o.putNull("ci95");
            } else {
                o.putArray("ci95").add(Math.exp(s.mean() - s.ci95())).add(Math.exp(s.mean() + s.ci95()));
            }
            out.printf(Locale.ROOT, "  t=%d: geometric mean %.3f over %d tasks (%d above 1)%s%n", k,
                    Math.exp(s.mean()), logs.length, o.get("above_one").asLong(), Double.isNaN(s.ci95()) ? ""
                            : String.format(Locale.ROOT, ", 95%% CI [%.3f, %.3f]", Math.exp(s.mean() - s.ci95()),
                                    Math.exp(s.mean() + s.ci95())));
        }
    }

    private static void putCi(ObjectNode o, double ci) {
        if (Double.isNaN(ci)) {
            o.putNull("ci95");
        } else {
            o.put("ci95", ci);
        }
    }
}
