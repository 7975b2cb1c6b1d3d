package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.spark.Sessions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sections of the report that read Parquet tables with Spark: per-iteration score histograms and image grids,
 * the final detector's ROC curve and the latent map. A missing or malformed table becomes a note, not a failure.
 */
final class DataSections {
    private static final Logger LOG = LoggerFactory.getLogger(DataSections.class);
    static final int BINS = 40;
    static final int ROC_BUCKETS = 512;
    static final int IMAGES_PER_KIND = 12;
    static final int LATENT_POINTS = 4000;

    private final RunContents run;
    private final ReportPage page;
    private final SparkSession spark;
    private final long seed;

    DataSections(RunContents run, ReportPage page, SparkSession spark, long seed) {
        this.run = run;
        this.page = page;
        this.spark = spark;
        this.seed = seed;
    }

    /** Writes iteration t's score histogram and its hard and easy image grids. */
    void iteration(int t, JsonNode metrics) {
        String dir = String.format("iterations/%03d/", t);
        page.heading(3, "Iteration " + t);
        double tau = IterationTable.value(metrics.path("threshold").path("value"));
        Sessions.describe(spark, "kka-report", "KKA report · iteration " + t + " · score histogram");
        Dataset<Row> scores = table(dir + "scores", "role", "split", "label", "score");
        if (scores != null) {
            ScoreHistogram.Result h = ScoreHistogram.of(BINS).compute(scores, tau);
            if (h != null) {
                page.figure(Figures.histogram(t, h, tau));
            } else {
                page.missing(dir + "scores holds no finite score of validation normals, generated or test anomalies.");
            }
        }
        Sessions.describe(spark, "kka-report", "KKA report · iteration " + t + " · image grids");
        Dataset<Row> gen = table(dir + "generated", "sample_id", "caption", "image", "score", "hardness");
        if (gen != null) {
            SampleGrid.Result g = SampleGrid.of(IMAGES_PER_KIND, seed).pick(gen);
            Map<String, Long> c = g.counts();
            page.paragraph("Generated rows: " + c.get("hard") + " hard, " + c.get("easy") + " easy, " + c.get("failed")
                    + " failed (no image)" + (c.get("unjudged") > 0 ? ", " + c.get("unjudged") + " not judged" : "")
                    + ".");
            for (String kind : new String[] {"hard", "easy"}) {
                if (g.tiles().get(kind).isEmpty()) {
                    page.missing("No " + kind + " generated anomaly with an image in iteration " + t + ".");
                } else {
                    page.figure(Figures.grid(t, kind, g.tiles().get(kind), c.get(kind)));
                }
            }
        }
    }

    /** Writes the final detector's summary, per-class AUROC and ROC curve. */
    void finalDetector() {
        page.heading(2, "Final detector");
        JsonNode fin = run.metrics().path("final");
        String detector = fin.path("detector").asText("final detector");
        if (fin.isObject()) {
            Map<String, String> kv = new LinkedHashMap<>();
            kv.put("detector", detector);
            kv.put("trained on the anomaly set of iteration", fin.path("iteration").asText("—"));
            kv.put("AUROC", Html.num(IterationTable.value(fin.path("auroc"))));
            kv.put("AUPRC", Html.num(IterationTable.value(fin.path("auprc"))));
            kv.put("test rows", fin.path("test_rows").asText("—"));
            fin.path("per_class").fields().forEachRemaining(e ->
                    kv.put("AUROC, anomaly class " + e.getKey(), Html.num(IterationTable.value(e.getValue()))));
            page.keyValues(kv);
        } else {
            page.missing("metrics.json has no final result yet: the final detector has not run.");
            run.note("metrics.json: no final detector result");
        }
        Sessions.describe(spark, "kka-report", "KKA report · final detector · ROC curve");
        Dataset<Row> scores = table("final/scores", "label", "score");
        if (scores != null) {
            RocCurve.Result r = RocCurve.of(ROC_BUCKETS).compute(scores);
            if (r != null) {
                page.figure(Figures.roc(r, detector, IterationTable.value(fin.path("auroc"))));
            } else {
                page.missing("final/scores lacks either normals or anomalies: no ROC curve.");
            }
        }
    }

    /** Writes the 2-D latent map. */
    void latent() {
        page.heading(2, "Latent space");
        Sessions.describe(spark, "kka-report", "KKA report · latent map");
        Dataset<Row> latent = table("final/latent", "sample_id", "kind", "x", "y");
        if (latent != null) {
            LatentMap.Result m = LatentMap.of(LATENT_POINTS, seed).sample(latent);
            if (m.drawn() > 0) {
                page.figure(Figures.latent(m));
            } else {
                page.missing("final/latent holds no point with a known kind and finite coordinates.");
            }
        }
    }

    /** @return the Parquet table at RUN/rel, or null (with a note) if missing, unreadable or lacking a column */
    private Dataset<Row> table(String rel, String... columns) {
        if (!run.exists(rel)) {
            page.missing(rel + "/ is missing.");
            run.note(rel + "/ is missing");
            return null;
        }
        try {
            Dataset<Row> df = spark.read().parquet(run.layout().path(rel));
            List<String> present = Arrays.asList(df.columns());
            for (String c : columns) {
                if (!present.contains(c)) {
                    throw new IllegalArgumentException("column " + c + " does not exist; found " + present);
                }
            }
            return df;
        } catch (RuntimeException e) {
            LOG.warn("report: cannot read {}: {}", rel, e.getMessage());
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            page.missing(rel + "/ is unreadable: " + first);
            run.note(rel + "/ is unreadable: " + first);
            return null;
        }
    }
}
