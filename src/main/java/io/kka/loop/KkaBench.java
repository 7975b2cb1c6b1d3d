package io.kka.loop;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigLoader;
import io.kka.config.ConfigPrinter;
import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.detect.AnomalyMetrics;
import io.kka.detect.DeepSadModel;
import io.kka.detect.DeepSadTrainer;
import io.kka.detect.SadLabel;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's Table III on data we have: for each normal class × seed, the "No anomalies" baseline (Deep SVDD:
 * the same network and budget, no labelled anomalies) and one KKA run whose iterations give KKA(0) … KKA(T).
 * Every task is a normal run directory under the bench directory, so an interrupted bench resumes where it
 * stopped. AUROC is also split by whether the embedded generator knew the anomaly class.
 */
public final class KkaBench {
    private static final Logger LOG = LoggerFactory.getLogger(KkaBench.class);
    private final JobConfig base;
    private final String workDir;
    private final List<String> unknown;

    private KkaBench(JobConfig base, String workDir, List<String> unknown) {
        this.base = base;
        this.workDir = workDir;
        this.unknown = unknown;
    }

    /**
     * @param base    the config every task starts from (mode, iterations, budgets)
     * @param workDir directory holding one run directory per task
     * @param unknown anomaly classes the embedded generator is not told about
     * @return the bench
     */
    public static KkaBench of(JobConfig base, String workDir, List<String> unknown) {
        return new KkaBench(base, workDir, List.copyOf(unknown));
    }

    /**
     * One task's figures.
     *
     * @param normalClass the normal class
     * @param seed        the seed
     * @param noAnomalies Deep SVDD AUROC
     * @param kka         AUROC of KKA(t), t = 0..T
     * @param known       AUROC of KKA(t) on test anomalies of classes the generator knew
     * @param unknownAuc  the same on classes it did not know
     * @param hard        hard fraction of the anomaly set per iteration
     * @param svddKnown   Deep SVDD AUROC on known classes
     * @param svddUnknown Deep SVDD AUROC on unknown classes
     */
    public record Task(String normalClass, long seed, double noAnomalies, List<Double> kka, List<Double> known,
            List<Double> unknownAuc, List<Double> hard, double svddKnown, double svddUnknown) {
    }

    /**
     * Runs (or resumes) one task.
     *
     * @param spark       the session
     * @param normalClass the normal class (name or index)
     * @param seed        the seed
     * @return its figures
     */
    public Task run(SparkSession spark, String normalClass, long seed) {
        String dir = Fs.child(workDir, normalClass.replaceAll("[^A-Za-z0-9]+", "_") + "-seed" + seed);
        List<String> unknownHere = unknown.stream().filter(c -> !c.equalsIgnoreCase(normalClass)).toList();
        JobConfig cfg = override(base, "run.dir=" + dir, "run.seed=" + seed,
                "task.normal_classes=[\"" + normalClass + "\"]",
                "images.embedded.exclude_classes=" + json(unknownHere));
        JsonNode metrics = KkaLoop.of(cfg, samples -> DefaultStages.of(cfg, spark, samples))
                .run(spark, true, Integer.MAX_VALUE);
        ObjectNode svdd = baseline(spark, cfg, new RunLayout(dir));
        List<Double> kka = new ArrayList<>();
        List<Double> known = new ArrayList<>();
        List<Double> unk = new ArrayList<>();
        List<Double> hard = new ArrayList<>();
        Map<String, Long> counts = testCounts(spark, new RunLayout(dir));
        for (JsonNode it : metrics.path("iterations")) {
            JsonNode e = it.path("evaluation");
            kka.add(e.path("auroc").asDouble(Double.NaN));
            known.add(split(e.path("per_class"), counts, unknownHere, false));
            unk.add(split(e.path("per_class"), counts, unknownHere, true));
            hard.add(it.path("anomaly_set").path("hard_fraction").asDouble());
        }
        Task t = new Task(normalClass, seed, svdd.path("auroc").asDouble(), kka, known, unk, hard,
                split(svdd.path("per_class"), counts, unknownHere, false),
                split(svdd.path("per_class"), counts, unknownHere, true));
        LOG.info("bench kka {} seed {}: no anomalies {}, KKA {}", normalClass, seed, t.noAnomalies(), kka);
        return t;
    }

    /** Deep SVDD on the training normals only, same network, budget and seed; cached in the run directory. */
    private ObjectNode baseline(SparkSession spark, JobConfig cfg, RunLayout layout) {
        String file = layout.path("baseline-deep-svdd.json");
        if (Fs.exists(file, spark.sparkContext().hadoopConfiguration())) {
            try {
                return (ObjectNode) Metrics.JSON.readTree(Fs.readString(file,
                        spark.sparkContext().hadoopConfiguration()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Dataset<Row> all = spark.read().parquet(layout.samples());
        Dataset<Row> normals = all.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                .and(col(Columns.SPLIT).equalTo("train")));
        DeepSadModel m = DeepSadTrainer.of(cfg.evaluator(), cfg.run().seed()).fit(SadLabel.withLabelFromRole(
                normals.select(Columns.SAMPLE_ID, Columns.ROLE, Columns.IMAGE)));
        Dataset<Row> scored = m.score(all.filter(col(Columns.ROLE).equalTo(Role.TEST.value()))
                .drop(Columns.SCORE)).cache();
        AnomalyMetrics.Result r = AnomalyMetrics.of(scored, Columns.SCORE, Columns.LABEL);
        ObjectNode out = Metrics.JSON.createObjectNode();
        out.put("detector", "Deep SVDD (Deep SAD without labelled anomalies)");
        out.put("auroc", r.auroc());
        out.put("auprc", r.auprc());
        out.set("per_class", Metrics.JSON.valueToTree(AnomalyMetrics.aurocPerClass(scored, Columns.SCORE,
                Columns.LABEL, Columns.CLASS_NAME)));
        scored.unpersist();
        Fs.writeString(file, out.toPrettyString() + "\n", spark.sparkContext().hadoopConfiguration());
        return out;
    }

    private static Map<String, Long> testCounts(SparkSession spark, RunLayout layout) {
        Map<String, Long> m = new LinkedHashMap<>();
        spark.read().parquet(layout.samples()).filter(col(Columns.ROLE).equalTo(Role.TEST.value())
                        .and(col(Columns.LABEL).equalTo(1))).groupBy(Columns.CLASS_NAME).count().collectAsList()
                .forEach(r -> m.put(r.getString(0), r.getLong(1)));
        return m;
    }

    /**
     * AUROC of the normals against a union of anomaly classes: the count-weighted mean of the per-class AUROCs
     * (AUROC is P(score of an anomaly > score of a normal), so it averages over anomalies).
     */
    static double split(JsonNode perClass, Map<String, Long> counts, List<String> unknown, boolean wantUnknown) {
        double sum = 0;
        long n = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            boolean isUnknown = unknown.stream().anyMatch(u -> u.equalsIgnoreCase(e.getKey()));
            JsonNode a = perClass.get(e.getKey());
            if (isUnknown == wantUnknown && a != null && a.isNumber()) {
                sum += a.asDouble() * e.getValue();
                n += e.getValue();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static JobConfig override(JobConfig cfg, String... sets) {
        return ConfigLoader.parse(ConfigPrinter.yaml(cfg), "bench", List.of(sets));
    }

    private static String json(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(values.get(i).replace("\"", "")).append('"');
        }
        return sb.append(']').toString();
    }
}
