package io.kka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.loop.DefaultStages;
import io.kka.loop.KkaLoop;
import io.kka.report.RunReport;
import io.kka.spark.Sessions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kka run CONFIG}: Algorithm 1 end to end, one checkpoint per iteration, then the final detector. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the KKA loop (Algorithm 1): representatives,"
        + " descriptions and images, confusion evaluator, hard/easy split, DPO, add/replace update, for"
        + " run.iterations iterations; then evaluate the final detector on the test split and write the report."
        + " Ingests the dataset first if the run directory has no samples table.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--resume", description = "Continue after the last committed iteration of run.dir (a fresh"
            + " run.dir just starts). Only run.iterations may differ from the config the run was started with.")
    boolean resume;

    @Option(names = "--until-iteration", paramLabel = "N", description = "Stop after committing iteration N (e.g."
            + " one Airflow task per iteration); the final detector runs once iteration run.iterations is committed.")
    Integer until;

    @Option(names = "--no-report", description = "Do not write the HTML report at the end.")
    boolean noReport;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig cfg = config.load();
        if (until != null && until < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until-iteration must be >= 0, found "
                    + until);
        }
        try (Sessions.Handle h = Sessions.open(cfg.run().name())) {
            KkaLoop loop = KkaLoop.of(cfg, samples -> DefaultStages.of(cfg, h.spark(), samples));
            ObjectNode metrics = loop.run(h.spark(), resume, until == null ? Integer.MAX_VALUE : until);
            PrintWriter out = spec.commandLine().getOut();
            summary(out, metrics);
            if (!metrics.path("final").isNull() && !noReport) {
                out.println("report: " + RunReport.of(loop.layout()).write(h.spark()));
            }
            out.println("run directory: " + loop.layout().root());
            out.flush();
            return 0;
        }
    }

    /**
     * Prints the per-iteration summary table (with the No-anomalies baseline first, so that a newcomer sees whether
     * the loop helped) and the final detector's metrics.
     */
    static void summary(PrintWriter out, JsonNode metrics) {
        out.printf("%-13s %7s %9s %6s %9s %7s %6s %8s %8s %9s %8s%n", "", "images", "hard new%", "set",
                "hard set%", "Eq. 8", "pairs", "AUROC", "AUPRC", "cost", "seconds");
        JsonNode first = metrics.path("iterations").path(0).path("baseline");
        if (first.isObject()) {
            out.printf("%-13s %7s %9s %6s %9s %7s %6s %8s %8s %9s %8s%n", "No anomalies", "-", "-", "-", "-", "-",
                    "-", fmt(first.path("evaluation").path("auroc")), fmt(first.path("evaluation").path("auprc")),
                    "-", "-");
        }
        for (JsonNode it : metrics.path("iterations")) {
            JsonNode e = it.path("evaluation");
            JsonNode g = it.path("new_generation");
            JsonNode ratio = it.path("dpo_effect").path("ratio");
            out.printf("%-13s %7d %8.1f%% %6d %8.1f%% %7s %6d %8s %8s %9.4f %8.0f%n",
                    "KKA(" + it.path("iteration").asInt() + ")", it.path("generation").path("images").asLong(),
                    100 * g.path("hard_fraction").asDouble(),
                    it.path("anomaly_set").path("size").asLong(),
                    100 * it.path("anomaly_set").path("hard_fraction").asDouble(),
                    ratio.isNumber() ? String.format("%.2f", ratio.asDouble()) : "-", it.path("pairs").asInt(),
                    fmt(e.path("auroc")), fmt(e.path("auprc")), it.path("usage").path("cost").asDouble(),
                    it.path("seconds").path("total").asDouble());
        }
        out.println("No anomalies: the evaluator trained on the normals alone. hard new%: the new generation judged by"
                + " the previous evaluator (the No-anomalies one at t = 0). hard set%: the anomaly set judged by the"
                + " No-anomalies evaluator. Eq. 8: hard anomalies after / before this iteration's DPO, same prompts."
                + " AUROC/AUPRC: test split, report only.");
        JsonNode f = metrics.path("final");
        if (f.isObject()) {
            out.printf("final detector: %s; test AUROC %s, AUPRC %s on %d test rows%n", f.path("detector").asText(),
                    fmt(f.path("auroc")), fmt(f.path("auprc")), f.path("test_rows").asLong());
        } else {
            out.println("final detector: not yet (run stopped before iteration " + metrics.path("iterations").size()
                    + " of the configured run)");
        }
    }

    private static String fmt(JsonNode n) {
        return n.isNumber() ? String.format("%.4f", n.asDouble()) : "-";
    }
}
