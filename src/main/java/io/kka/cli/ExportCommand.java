package io.kka.cli;

import io.kka.export.ExportFormat;
import io.kka.export.RunExport;
import io.kka.spark.Sessions;
import io.kka.store.RunLayout;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kka export RUN_DIR --format anomalib-folder|manifest --out OUT}: a completed run's training normals and
 * final anomaly set as PNG files for other detectors (anomalib's Folder datamodule, or a JSON Lines manifest).
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write the training normals and the final"
        + " anomaly set of a completed run as PNG files named by sample id: anomalib's Folder layout (normal/,"
        + " abnormal/) or images/ plus manifest.jsonl (sample_id, path, role, caption, iteration, hardness, score).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A completed run directory (any Hadoop FS URI).")
    String runDir;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "anomalib-folder (OUT/normal, OUT/abnormal) or manifest (OUT/manifest.jsonl, OUT/images).")
    ExportFormat format;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "Export directory (any Hadoop FS URI), outside RUN_DIR.")
    String out;

    @Option(names = "--all-iterations", description = "Also export every iteration's hard anomalies (judged by"
            + " that iteration's held-out judge), not only the final anomaly set.")
    boolean allIterations;

    @Option(names = "--overwrite", description = "Replace an existing non-empty OUT.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Sessions.Handle h = Sessions.open("kka export")) {
            RunExport.Summary s = RunExport.of(format).withAllIterations(allIterations)
                    .write(h.spark(), new RunLayout(runDir), out, overwrite);
            var w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "wrote %s (%s): %d normal and %d anomaly images, final iteration %d%s%n", s.out(),
                    s.format().cli(), s.normals(), s.anomalies(), s.finalIteration(),
                    allIterations ? " plus every iteration's hard anomalies" : "");
            w.flush();
            return 0;
        }
    }

    /** Reads {@code --format} by its command-line name. */
    static final class FormatConverter implements CommandLine.ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            try {
                return ExportFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
