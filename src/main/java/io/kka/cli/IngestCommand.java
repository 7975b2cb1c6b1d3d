package io.kka.cli;

import io.kka.config.DataConfig;
import io.kka.config.JobConfig;
import io.kka.data.Ingestor;
import io.kka.spark.Sessions;
import io.kka.store.Fs;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kka ingest CONFIG}: dataset → canonical samples table (Parquet). */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Read the dataset of CONFIG, check and"
        + " normalise every image on the executors, label it from the task, draw the seeded validation split and"
        + " write the samples table (Parquet) atomically.")
final class IngestCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--output", paramLabel = "URI",
            description = "Samples table to write (any Hadoop FS URI). Default: <run.dir>/samples.")
    String output;

    @Option(names = "--on-bad-record", paramLabel = "fail|skip",
            description = "Override data.on_bad_record: fail writes nothing on a bad record; skip writes the good"
                    + " rows and <output>_rejected with reasons.")
    DataConfig.BadRecordPolicy onBadRecord;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(names = "--skip-existing", description = "Do nothing if the output already exists (idempotent"
            + " retries, e.g. from Airflow).")
    boolean skipExisting;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig cfg = config.load();
        DataConfig data = cfg.data();
        if (onBadRecord != null) {
            data = data.withOnBadRecord(onBadRecord);
        }
        String out = output != null ? output : Fs.child(cfg.run().dir(), "samples");
        try (Sessions.Handle h = Sessions.open(cfg.run().name() + " ingest")) {
            if (skipExisting && !overwrite && Fs.exists(out, h.spark().sparkContext().hadoopConfiguration())) {
                spec.commandLine().getOut().println("exists, skipped: " + out);
                spec.commandLine().getOut().flush();
                return 0;
            }
            Sessions.describe(h.spark(), "kka-ingest", "KKA · ingest " + data.dataset() + " from " + data.path());
            Ingestor.Result r = Ingestor.of(data, cfg.task(), cfg.run().seed()).ingest(h.spark(), out, overwrite);
            var w = spec.commandLine().getOut();
            w.println("wrote " + r.output());
            for (Map.Entry<String, Long> e : r.counts().entrySet()) {
                w.printf("  %-18s %8d%n", e.getKey(), e.getValue());
            }
            if (r.rejected() > 0) {
                w.printf("  %-18s %8d  (see %s_rejected)%n", "rejected", r.rejected(), r.output());
            }
            w.flush();
            return 0;
        }
    }
}
