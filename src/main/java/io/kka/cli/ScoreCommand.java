package io.kka.cli;

import static org.apache.spark.sql.functions.col;

import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.detect.AnomalyMetrics;
import io.kka.ml.DetectorModel;
import io.kka.spark.Sessions;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kka score CONFIG}: scores one split of the samples table with a saved detector (any evaluator.kind) on the executors
 * and writes (sample_id, label, class_name, score) as Parquet; on a split with both labels it also prints AUROC
 * and AUPRC (reporting only: nothing is selected with them).
 */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score a split of the samples table with a"
        + " saved model; writes sample_id, label, class_name, score (Parquet) and prints AUROC/AUPRC when the split"
        + " has normals and anomalies.")
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;
    @Option(names = "--model", paramLabel = "URI", description = "Model directory: a detector saved by"
            + " kka train or the loop, or a detector model saved with the Spark ML API (default:"
            + " <run.dir>/final/detector).")
    String model;
    @Option(names = "--samples", paramLabel = "URI", description = "Samples table (default: <run.dir>/samples).")
    String samples;
    @Option(names = "--split", defaultValue = "test", description = "Split to score (default: ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--output", paramLabel = "URI", description = "Scores table (default:"
            + " <run.dir>/final/scores).")
    String output;
    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig cfg = config.load();
        RunLayout run = new RunLayout(cfg.run().dir());
        String out = output != null ? output : run.finalDir("scores");
        try (Sessions.Handle h = Sessions.open(cfg.run().name() + " score")) {
            // a detector saved by kka train or the loop, or a detector model saved by the library API
            DetectorModel m = DetectorModel.fromDirectory(model != null ? model : run.finalDir("detector"),
                    h.spark());
            Dataset<Row> rows = io.kka.data.SampleImages.read(h.spark(), samples != null ? samples : run.samples(),
                            cfg.data().maxImagePixels())
                    .where(col(Columns.SPLIT).equalTo(split));
            Sessions.describe(h.spark(), "kka-score", "KKA · score " + split);
            Dataset<Row> scored = m.transform(rows.drop(Columns.SCORE)).select(Columns.SAMPLE_ID, Columns.LABEL,
                    Columns.CLASS_NAME, Columns.SCORE).persist(StorageLevel.MEMORY_AND_DISK());
            Fs.writeParquet(scored, out, overwrite);
            var w = spec.commandLine().getOut();
            w.println("wrote " + out);
            long kinds = scored.select(Columns.LABEL).distinct().count();
            if (kinds == 2) {
                AnomalyMetrics.Result r = AnomalyMetrics.of(scored);
                w.printf(Locale.ROOT, "  %s split: AUROC %.4f, AUPRC %.4f (%d anomalies, %d normals)%n", split,
                        r.auroc(), r.auprc(), r.anomalies(), r.normals());
            }
            scored.unpersist();
            w.flush();
            return 0;
        }
    }
}
