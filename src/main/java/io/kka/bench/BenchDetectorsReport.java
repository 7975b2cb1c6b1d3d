package io.kka.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.detect.TaskSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The output of {@code kka bench detectors}: per-class table, means with 95% CIs, anchors, and the JSON line. */
final class BenchDetectorsReport {
    /** Deep SAD (γ_l = 0) = Deep SVDD on Fashion-MNIST, mean ± std over tasks (Ruff et al. 2020) */
    static final double ANCHOR_SVDD = 89.2;
    static final double ANCHOR_SVDD_STD = 6.2;
    /** GEOM (Golan and El-Yaniv 2018): mean and per class 0–9 */
    static final double ANCHOR_GEOM = 93.5;
    static final double[] GEOM = {99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2};

    private BenchDetectorsReport() {
    }

    /** @return v in percent with one decimal, or null for NaN (one task has no CI) */
    static Double pct(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 10.0;
    }

    /** Prints the per-class table, the summary rows, the pair matrix and, last, one JSON line. */
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
