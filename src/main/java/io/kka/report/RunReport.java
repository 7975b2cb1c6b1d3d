package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the HTML report of a run directory: one self-contained {@code index.html} (inline CSS and SVG, images as
 * {@code data:} URIs, no script, no external resource) that opens with a headline ({@link Headline}: the final
 * detector against the No-anomalies baseline, the hard-fraction and Eq. 8 trends, cost and time), then the config
 * and provenance, a per-iteration table, AUROC and hard-fraction charts, per-iteration score histograms with the
 * Eq. 6 threshold and image grids of hard and easy generated anomalies (the paper's Figure 3), the final detector's
 * ROC curve and the latent map (Figure 5).
 *
 * <p>Large tables stay on the executors: histograms and the ROC curve are aggregates, image grids and the latent
 * map are bounded seeded samples. A partial run (e.g. no {@code final/} yet) gets a report of what exists, with
 * the missing parts listed below the headline. The same run directory always yields the same bytes.
 *
 * <pre>{@code
 * String index = RunReport.of(new RunLayout("hdfs:///runs/kka-1")).write(spark);
 * }</pre>
 */
public final class RunReport {
    private static final Logger LOG = LoggerFactory.getLogger(RunReport.class);

    private final RunLayout layout;
    private final String output;

    private RunReport(RunLayout layout, String output) {
        this.layout = layout;
        this.output = output;
    }

    /**
     * @param layout the run directory to report on
     * @return a report written to {@code RUN/report/index.html}
     */
    public static RunReport of(RunLayout layout) {
        return new RunReport(layout, layout.report());
    }

    /**
     * @param dir directory (any Hadoop FS URI) to write {@code index.html} into instead of {@code RUN/report}
     * @return a copy writing there
     */
    public RunReport withOutput(String dir) {
        return new RunReport(layout, dir);
    }

    /**
     * Renders and writes the report atomically.
     *
     * @param spark the session used to read the run's Parquet tables
     * @return the URI of the written {@code index.html}
     * @throws InvalidInputException if the run directory does not exist or holds no run
     */
    public String write(SparkSession spark) {
        long start = System.nanoTime();
        String html = render(spark);
        String target = Fs.child(output, "index.html");
        Fs.writeString(target, html, spark.sparkContext().hadoopConfiguration());
        LOG.info("report: wrote {} ({} KiB) in {} ms", target, html.length() / 1024,
                (System.nanoTime() - start) / 1_000_000);
        return target;
    }

    /**
     * @param spark the session used to read the run's Parquet tables
     * @return the report as one HTML document
     * @throws InvalidInputException if the run directory does not exist or holds no run
     */
    String render(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!Fs.exists(layout.root(), conf)) {
            throw new InvalidInputException("run directory " + layout.root() + " does not exist");
        }
        RunContents run = RunContents.read(layout, conf);
        if (!run.holdsRun()) {
            throw new InvalidInputException("run directory " + layout.root() + " holds no run (no config.yaml,"
                    + " state.json, metrics.json or iterations/NNN)");
        }
        JsonNode seedNode = run.provenance().path("seed");
        long seed = seedNode.canConvertToLong() ? seedNode.asLong() : 0L;
        ReportPage page = new ReportPage();
        page.lead(Headline.html(run.metrics(), run.iterations()));
        SummarySections summary = new SummarySections(run, page);
        summary.overview();
        summary.iterations();
        DataSections data = new DataSections(run, page, spark, seed);
        if (!run.iterations().isEmpty()) {
            page.heading(2, "Scores and generated anomalies per iteration");
        }
        for (Map.Entry<Integer, JsonNode> it : run.iterations().entrySet()) {
            data.iteration(it.getKey(), it.getValue());
        }
        data.finalDetector();
        data.latent();
        return page.document("KKA run report: " + layout.root(), run.notes());
    }
}
