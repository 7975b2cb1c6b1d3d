package io.kka.bench;

import io.kka.loop.DefaultStages;
import io.kka.loop.KkaLoop;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.config.ConfigLoader;
import io.kka.config.ConfigPrinter;
import io.kka.config.EvaluatorConfig;
import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's Table III on data we have, with two ablations at the same generation budget. For each normal class
 * × seed it runs KKA (the base config, replace mode) and, forked from the same iteration 0 so that KKA(0) is shared
 * exactly:
 * <ul>
 *   <li><b>no-DPO</b> ({@code tuning.provider: none}): every iteration regenerates with the untuned model;</li>
 *   <li><b>random</b> ({@code selection.update: random}): as many random new anomalies replace random members as
 *       KKA's rule would replace.</li>
 * </ul>
 * The "No anomalies" column is the baseline E_{-1} of iteration 0 (the same network, budget and seed, normals
 * only). Every variant is a normal run directory under the bench directory, so an interrupted bench resumes where
 * it stopped. AUROC is also split by whether the embedded generator knew the anomaly class. Test AUROC is read for
 * the table only; no run decides anything from it.
 */
public final class KkaBench {
    private static final Logger LOG = LoggerFactory.getLogger(KkaBench.class);
    /** the variants, in column order */
    public static final List<String> VARIANTS = List.of("kka", "no_dpo", "random");
    private final JobConfig base;
    private final String workDir;
    private final List<String> unknown;
    private final EvaluatorConfig.Kind detector;

    private KkaBench(JobConfig base, String workDir, List<String> unknown, EvaluatorConfig.Kind detector) {
        this.base = base;
        this.workDir = workDir;
        this.unknown = unknown;
        this.detector = detector;
    }

    /**
     * @param base     the config every task starts from (mode, iterations, budgets)
     * @param workDir  directory holding the run directories of every task and variant
     * @param unknown  anomaly classes the embedded generator is not told about
     * @param detector the detector X of the extra columns: for a kind other than deep-sad (the loop's own, whose
     *                 columns are No anomalies and KKA(T)), X alone and X+KKA are fitted on each finished KKA run
     *                 ({@link DetectorRefit})
     * @return the bench
     */
    public static KkaBench of(JobConfig base, String workDir, List<String> unknown, EvaluatorConfig.Kind detector) {
        return new KkaBench(base, workDir, List.copyOf(unknown), detector);
    }

    /**
     * One variant of one task.
     *
     * @param auroc      test AUROC of E_t, t = 0..T
     * @param known      the same on test anomalies of classes the generator knew
     * @param unknownAuc the same on classes it did not know
     * @param hardSet    hard fraction of A_t (judged by the baseline)
     * @param hardNew    hard fraction of G_t (judged by its held-out evaluator)
     * @param eq8        Eq. 8 ratio per iteration (NaN at t = 0, without DPO, or with no hard "before" anomaly)
     * @param entropy    class entropy of A_t, bits
     */
    public record Series(List<Double> auroc, List<Double> known, List<Double> unknownAuc, List<Double> hardSet,
            List<Double> hardNew, List<Double> eq8, List<Double> entropy) {
    }

    /**
     * One task's figures.
     *
     * @param normalClass the normal class
     * @param seed        the seed
     * @param noAnomalies baseline AUROC (E_{-1}: normals only)
     * @param svddKnown   baseline AUROC on known classes
     * @param svddUnknown baseline AUROC on unknown classes
     * @param variants    variant name ({@link #VARIANTS}) → its series
     * @param detector    the --detector columns (X alone, X+KKA), or null for deep-sad
     */
    public record Task(String normalClass, long seed, double noAnomalies, double svddKnown, double svddUnknown,
            Map<String, Series> variants, DetectorRefit.Figures detector) {
    }

    /**
     * Runs (or resumes) one task: KKA, then its two ablations forked from KKA's iteration 0.
     *
     * @param spark       the session
     * @param normalClass the normal class (name)
     * @param seed        the seed
     * @return its figures
     */
    public Task run(SparkSession spark, String normalClass, long seed) {
        String stem = Fs.child(workDir, normalClass.replaceAll("[^A-Za-z0-9]+", "_") + "-seed" + seed);
        List<String> unknownHere = unknown.stream().filter(c -> !c.equalsIgnoreCase(normalClass)).toList();
        List<String> common = List.of("run.seed=" + seed, "task.normal_classes=[\"" + normalClass + "\"]",
                "images.embedded.exclude_classes=" + json(unknownHere));
        Map<String, Series> out = new LinkedHashMap<>();
        JsonNode kka = null;
        JobConfig kkaCfg = null;
        for (String v : VARIANTS) {
            String dir = v.equals("kka") ? stem : stem + "-" + v.replace('_', '-');
            List<String> sets = new ArrayList<>(common);
            sets.add("run.dir=" + dir);
            if (v.equals("no_dpo")) {
                sets.add("tuning.provider=none");
            } else if (v.equals("random")) {
                sets.add("selection.update=random");
            }
            JobConfig cfg = override(base, sets.toArray(new String[0]));
            if (!v.equals("kka")) {
                fork(new RunLayout(stem), new RunLayout(dir), spark.sparkContext().hadoopConfiguration());
            }
            JsonNode metrics = KkaLoop.of(cfg, samples -> DefaultStages.of(cfg, spark, samples))
                    .run(spark, true, Integer.MAX_VALUE);
            kka = v.equals("kka") ? metrics : kka;
            kkaCfg = v.equals("kka") ? cfg : kkaCfg;
            out.put(v, series(metrics, testCounts(spark, new RunLayout(dir)), unknownHere));
        }
        JsonNode b = kka.path("iterations").path(0).path("baseline").path("evaluation");
        Map<String, Long> counts = testCounts(spark, new RunLayout(stem));
        DetectorRefit.Figures refit = detector == EvaluatorConfig.Kind.DEEP_SAD ? null
                : DetectorRefit.run(spark, kkaCfg, new RunLayout(stem), detector, unknownHere, seed);
        Task t = new Task(normalClass, seed, b.path("auroc").asDouble(Double.NaN),
                split(b.path("per_class"), counts, unknownHere, false),
                split(b.path("per_class"), counts, unknownHere, true), out, refit);
        LOG.info("bench kka {} seed {}: no anomalies {}, KKA {}, no-DPO {}, random {}{}", normalClass, seed,
                t.noAnomalies(), out.get("kka").auroc(), out.get("no_dpo").auroc(), out.get("random").auroc(),
                refit == null ? "" : ", " + refit.kind() + " " + refit.alone() + ", " + refit.kind() + "+KKA "
                        + refit.kka());
        return t;
    }

    /**
     * Starts an ablation from the KKA run's committed iteration 0 (samples table, initial language model and the
     * iteration itself are copied), unless the ablation already holds committed iterations.
     */
    static void fork(RunLayout from, RunLayout to, Configuration conf) {
        if (Fs.exists(to.iteration(0), conf)) {
            return;
        }
        try {
            for (String rel : List.of("samples", DefaultStages.INITIAL_LM, "iterations/000")) {
                Path src = new Path(from.path(rel));
                Path tmp = new Path(to.path(rel + ".fork"));
                FileUtil.copy(src.getFileSystem(conf), src, tmp.getFileSystem(conf), tmp, false, true, conf);
                Fs.commit(tmp.toString(), to.path(rel), true, conf); // a crash mid-copy leaves only the .fork copy
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fork " + from.root() + " into " + to.root(), e);
        }
    }

    private static Series series(JsonNode metrics, Map<String, Long> counts, List<String> unknownHere) {
        List<Double> auroc = new ArrayList<>();
        List<Double> known = new ArrayList<>();
        List<Double> unk = new ArrayList<>();
        List<Double> hardSet = new ArrayList<>();
        List<Double> hardNew = new ArrayList<>();
        List<Double> eq8 = new ArrayList<>();
        List<Double> entropy = new ArrayList<>();
        for (JsonNode it : metrics.path("iterations")) {
            JsonNode e = it.path("evaluation");
            auroc.add(e.path("auroc").asDouble(Double.NaN));
            known.add(split(e.path("per_class"), counts, unknownHere, false));
            unk.add(split(e.path("per_class"), counts, unknownHere, true));
            hardSet.add(it.path("anomaly_set").path("hard_fraction").asDouble(Double.NaN));
            hardNew.add(it.path("new_generation").path("hard_fraction").asDouble(Double.NaN));
            JsonNode r = it.path("dpo_effect").path("ratio");
            eq8.add(r.isNumber() ? r.asDouble() : Double.NaN);
            entropy.add(it.path("anomaly_set").path("class_entropy").asDouble(Double.NaN));
        }
        return new Series(auroc, known, unk, hardSet, hardNew, eq8, entropy);
    }

    /** @return test anomalies per class of a run's samples table */
    static Map<String, Long> testCounts(SparkSession spark, RunLayout layout) {
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
