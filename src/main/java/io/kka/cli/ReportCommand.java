package io.kka.cli;

import io.kka.report.RunReport;
import io.kka.spark.Sessions;
import io.kka.store.RunLayout;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kka report RUN_DIR}: the run directory → one self-contained HTML report. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write the HTML report of RUN_DIR (config,"
        + " provenance, per-iteration table, plots, image grids of hard and easy generated anomalies, ROC curve,"
        + " latent map) as one self-contained index.html, and print its path. Works on partial runs.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run directory (any Hadoop FS URI).")
    String runDir;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Directory to write index.html into. Default: RUN_DIR/report.")
    String output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RunLayout layout = new RunLayout(runDir);
        RunReport report = RunReport.of(layout);
        if (output != null) {
            report = report.withOutput(output);
        }
        try (Sessions.Handle h = Sessions.open("kka report")) {
            String index = report.write(h.spark());
            var w = spec.commandLine().getOut();
            w.println(index);
            w.flush();
            return 0;
        }
    }
}
