package io.kka.bench;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.data.Split;
import io.kka.detect.AnomalyMetrics;
import io.kka.detect.Detector;
import io.kka.detect.Detectors;
import io.kka.export.CompletedRun;
import io.kka.loop.AnomalySetUpdater;
import io.kka.loop.DefaultStages;
import io.kka.loop.Provenance;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kka bench kka --detector X}: detector X fitted on a finished KKA run's training normals alone ("X", the
 * paper's unsupervised baseline, e.g. SimpleNet) and on those normals plus the run's final anomaly set A_T as
 * labelled anomalies ("X+KKA", e.g. the paper's SimpleNet+KKA), both scored on the run's test split. Nothing is
 * chosen on the test split: it is scored once per detector, after fitting. The figures are cached beside the run
 * directory ({@code RUN-X.json}, keyed by the config hash with evaluator.kind X), so a resumed bench does not refit.
 */
final class DetectorRefit {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorRefit.class);
    // NaN AUROCs (no test anomaly of a split) are written as NaN and must read back
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private DetectorRefit() {
    }

    /**
     * One task's figures for detector X.
     *
     * @param kind         X as evaluator.kind spells it
     * @param detector     X+KKA's description
     * @param alone        test AUROC of X on the normals alone
     * @param aloneKnown   the same on test anomalies of classes the generator knew
     * @param aloneUnknown the same on classes it did not know
     * @param kka          test AUROC of X on normals + A_T
     * @param kkaKnown     the same on classes the generator knew
     * @param kkaUnknown   the same on classes it did not know
     * @param anomalies    |A_T|, the labelled anomalies X+KKA trained on
     */
    record Figures(String kind, String detector, double alone, double aloneKnown, double aloneUnknown, double kka,
            double kkaKnown, double kkaUnknown, long anomalies) {
    }

    /**
     * @param spark   the session
     * @param cfg     the run's config as this bench invocation builds it (its evaluator section configures X)
     * @param run     a finished run directory (its last iteration, run.iterations, committed)
     * @param kind    X
     * @param unknown anomaly classes the generator was not told about
     * @param seed    the fits' seed
     * @return the figures
     * @throws io.kka.data.InvalidInputException if the run is not finished
     */
    static Figures run(SparkSession spark, JobConfig cfg, RunLayout run, EvaluatorConfig.Kind kind,
            List<String> unknown, long seed) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        EvaluatorConfig evaluator = cfg.evaluator().withKind(kind);
        String key = key(cfg, kind, seed);
        String cache = run.root() + "-" + ConfigBinder.Names.wire(kind) + ".json";
        Figures cached = cached(cache, key, conf);
        if (cached != null) {
            return cached;
        }
        int last = CompletedRun.open(run, conf).finalIteration();
        Dataset<Row> samples = io.kka.data.SampleImages.resolve(spark.read().parquet(run.samples()));
        Dataset<Row> normals = samples.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value())));
        Dataset<Row> test = samples.filter(col(Columns.ROLE).equalTo(Role.TEST.value()))
                .select(Columns.SAMPLE_ID, Columns.LABEL, Columns.CLASS_NAME, Columns.IMAGE)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> anomalySet = AnomalySetUpdater.usable(spark.read().parquet(run.iteration(last, "anomaly_set")));
        try {
            Map<String, Long> counts = KkaBench.testCounts(spark, run);
            Detector alone = Detectors.fit(evaluator, DefaultStages.trainingRows(normals, anomalySet.limit(0)), seed);
            double[] a = evaluate(alone, test, counts, unknown);
            Detector withKka = Detectors.fit(evaluator, DefaultStages.trainingRows(normals, anomalySet), seed);
            double[] k = evaluate(withKka, test, counts, unknown);
            Figures f = new Figures(ConfigBinder.Names.wire(kind), withKka.describe(), a[0], a[1], a[2], k[0], k[1],
                    k[2], anomalySet.count());
            LOG.info("bench kka {}: {} alone {}, with A_{} ({} anomalies) {}", run.root(), f.kind(), f.alone(), last,
                    f.anomalies(), f.kka());
            Fs.writeString(cache, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.createObjectNode()
                    .put("key", key).set("figures", JSON.valueToTree(f))) + "\n", conf);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            test.unpersist(false);
        }
    }

    /** @return AUROC on all test anomalies, on the known classes' and on the unknown classes' */
    private static double[] evaluate(Detector d, Dataset<Row> test, Map<String, Long> counts, List<String> unknown) {
        Dataset<Row> scored = d.score(test).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            double all = AnomalyMetrics.of(scored).auroc();
            JsonNode perClass = JSON.valueToTree(AnomalyMetrics.aurocPerClass(scored, Columns.SCORE, Columns.LABEL,
                    Columns.CLASS_NAME));
            return new double[] {all, KkaBench.split(perClass, counts, unknown, false),
                KkaBench.split(perClass, counts, unknown, true)};
        } finally {
            scored.unpersist(false);
        }
    }

    /**
     * @return what the cached figures depend on: the config hash with evaluator.kind X (the other kinds' settings
     *         do not enter it) and the seed
     */
    static String key(JobConfig cfg, EvaluatorConfig.Kind kind, long seed) {
        return Provenance.configHash(new JobConfig(cfg.run(), cfg.data(), cfg.task(), cfg.evaluator().withKind(kind),
                cfg.representatives(), cfg.llm(), cfg.images(), cfg.selection(), cfg.tuning())) + "/seed" + seed;
    }

    /** @return the figures cached in {@code file} under {@code key}, or null */
    static Figures cached(String file, String key, Configuration conf) {
        if (!Fs.exists(file, conf)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(Fs.readString(file, conf));
            return key.equals(n.path("key").asText()) ? JSON.treeToValue(n.get("figures"), Figures.class) : null;
        } catch (IOException e) {
            LOG.warn("ignoring unreadable {} ({}); refitting", file, e.getMessage());
            return null;
        }
    }
}
