package io.kka.cli;

import static org.apache.spark.sql.functions.col;

import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.Role;
import io.kka.data.Split;
import io.kka.detect.DeepSadModel;
import io.kka.config.ConfigBinder;
import io.kka.detect.Detector;
import io.kka.detect.SadLabel;
import io.kka.ml.DetectorEstimator;
import io.kka.spark.Sessions;
import io.kka.store.RunLayout;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kka train CONFIG}: trains the evaluator.kind detector (Eq. 5; Deep SAD by default) on the training normals
 * of the samples table, plus labelled anomalies from a generated-samples table if given (without them: the kind's
 * No-anomalies baseline, Deep SVDD for Deep SAD), and saves it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the evaluator.kind detector (default deep-sad) on the training normals"
        + " of the samples table (sad_label 0) and, with --anomalies, generated anomalies as labelled anomalies"
        + " (sad_label -1); without them Deep SAD is Deep SVDD. Saves the model atomically.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;
    @Option(names = "--samples", paramLabel = "URI", description = "Samples table (default: <run.dir>/samples).")
    String samples;
    @Option(names = "--anomalies", paramLabel = "URI", description = "Generated rows (samples schema) used as"
            + " labelled anomalies; rows without an image (failed generations) are skipped.")
    String anomalies;
    @Option(names = "--output", paramLabel = "URI", description = "Model directory (default:"
            + " <run.dir>/final/detector).")
    String output;
    @Option(names = "--overwrite", description = "Replace an existing model.")
    boolean overwrite;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig cfg = config.load();
        RunLayout run = new RunLayout(cfg.run().dir());
        String out = output != null ? output : run.finalDir("detector");
        try (Sessions.Handle h = Sessions.open(cfg.run().name() + " train")) {
            if (!overwrite && io.kka.store.Fs.exists(out, h.spark().sparkContext().hadoopConfiguration())) {
                throw new InvalidInputException(out + " already exists (use --overwrite to replace it)");
            }
            Dataset<Row> table = io.kka.data.SampleImages.read(h.spark(), samples != null ? samples
                    : run.samples(), cfg.data().maxImagePixels());
            Dataset<Row> train = table.where(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                    .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value())));
            train = SadLabel.withLabelFromRole(train).select(Columns.SAMPLE_ID, Columns.IMAGE, SadLabel.COLUMN);
            if (anomalies != null) {
                Dataset<Row> gen = h.spark().read().parquet(anomalies).where(col(Columns.IMAGE).isNotNull());
                train = train.unionByName(gen.withColumn(SadLabel.COLUMN, org.apache.spark.sql.functions.lit(
                        SadLabel.ANOMALY.value())).select(Columns.SAMPLE_ID, Columns.IMAGE, SadLabel.COLUMN));
            }
            Sessions.describe(h.spark(), "kka-train", "KKA · train " + ConfigBinder.Names.wire(cfg.evaluator().kind()));
            // the library's estimator: the same params, schema checks and fit as a Spark ML pipeline's
            Detector model = DetectorEstimator.of(cfg.evaluator(), cfg.run().seed()).fit(train).detector();
            model.save(out, overwrite, h.spark().sparkContext().hadoopConfiguration());
            var w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "wrote %s (%s%s)%n", out, model.describe(), model instanceof DeepSadModel m
                    && !m.trainingLosses().isEmpty() ? String.format(Locale.ROOT, ", final loss %.5g",
                    m.trainingLosses().get(m.trainingLosses().size() - 1)) : "");
            w.flush();
            return 0;
        }
    }
}
