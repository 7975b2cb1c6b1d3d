package io.kka.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.ImageCodec;
import io.kka.data.SampleSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a small, seeded run directory that follows the run-directory contract (config.yaml, state.json,
 * metrics.json, iterations/NNN/{metrics.json, generated/, scores/}, final/{scores, latent}/) without running the
 * loop, for tests of everything that reads runs (the report, notebooks). Iteration t has {@link #GENERATED}
 * generated rows: {@code 8 + 4t} hard, {@link #FAILED} failed (no image), the rest easy. Iteration 1 uses
 * 32×32 RGB images, the others 28×28 grayscale.
 */
public final class SyntheticRun {
    /** generated rows per iteration */
    public static final int GENERATED = 30;
    /** generated rows per iteration whose image generation failed */
    public static final int FAILED = 2;
    /** validation normals, test normals and test anomalies in every scores table */
    public static final int VAL = 50;
    /** test normals */
    public static final int TEST_NORMAL = 60;
    /** test anomalies */
    public static final int TEST_ANOMALY = 40;
    /** the run seed in provenance */
    public static final long SEED = 7;
    /** scores table columns */
    public static final StructType SCORES = new StructType()
            .add("sample_id", DataTypes.StringType, false).add("role", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false).add("label", DataTypes.IntegerType, false)
            .add("class_name", DataTypes.StringType, true).add("score", DataTypes.DoubleType, true);
    /** latent table columns */
    public static final StructType LATENT = new StructType()
            .add("sample_id", DataTypes.StringType, false).add("kind", DataTypes.StringType, false)
            .add("x", DataTypes.DoubleType, false).add("y", DataTypes.DoubleType, false);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int iterations;
    private final boolean withFinal;
    private final String injected;

    private SyntheticRun(int iterations, boolean withFinal, String injected) {
        this.iterations = iterations;
        this.withFinal = withFinal;
        this.injected = injected;
    }

    /**
     * @param iterations committed iterations, 1 to 5
     * @param withFinal  whether final/ and metrics.json's final block exist (false: a run stopped mid-way)
     * @param injected   description given to the first hard row of iteration 0 (e.g. markup), or null
     * @return a writer
     */
    public static SyntheticRun of(int iterations, boolean withFinal, String injected) {
        return new SyntheticRun(iterations, withFinal, injected);
    }

    /** @return hard rows of iteration t */
    public static int hard(int t) {
        return 8 + 4 * t;
    }

    /** @return easy rows of iteration t */
    public static int easy(int t) {
        return GENERATED - FAILED - hard(t);
    }

    /** @return the number of {@code <img>} the report shows: up to 12 hard and 12 easy per iteration */
    public int expectedImages() {
        int n = 0;
        for (int t = 0; t < iterations; t++) {
            n += Math.min(12, hard(t)) + Math.min(12, easy(t));
        }
        return n;
    }

    /** @return the number of SVG charts: AUROC, hard fraction, a histogram per iteration, ROC and latent map */
    public int expectedPlots() {
        return 2 + iterations + (withFinal ? 2 : 0);
    }

    /**
     * Writes the run directory.
     *
     * @param spark the shared test session
     * @param dir   an empty or missing directory
     * @return dir
     */
    public Path write(SparkSession spark, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yaml"), "# effective config of this run\nrun:\n  name: synthetic\n"
                + "  dir: " + dir + "\n  seed: " + SEED + "\n  iterations: " + iterations + "\ntask:\n"
                + "  normal_classes: [bag]\n");
        ArrayNode its = JSON.createArrayNode();
        for (int t = 0; t < iterations; t++) {
            Random rnd = new Random(SEED * 31 + t);
            double tau = writeScores(spark, dir.resolve(String.format("iterations/%03d/scores", t)), rnd, t);
            writeGenerated(spark, dir.resolve(String.format("iterations/%03d/generated", t)), rnd, t, tau);
            ObjectNode m = Metrics.iteration(t, tau, hard(t), easy(t), GENERATED, FAILED);
            Files.writeString(dir.resolve(String.format("iterations/%03d/metrics.json", t)), m.toPrettyString());
            its.add(m);
        }
        if (withFinal) {
            Random rnd = new Random(SEED * 31 + 99);
            writeTable(spark, testRows(rnd, 0.3), SCORES, dir.resolve("final/scores"));
            writeLatent(spark, dir.resolve("final/latent"), rnd);
        }
        Files.writeString(dir.resolve("metrics.json"), Metrics.run(its, withFinal, SEED).toPrettyString());
        Files.writeString(dir.resolve("state.json"), Metrics.state(dir, its, SEED).toPrettyString());
        return dir;
    }

    /** Writes val normals, test rows and the generated rows' scores; returns the Eq. 6 threshold. */
    private double writeScores(SparkSession spark, Path out, Random rnd, int t) {
        List<Row> rows = new ArrayList<>();
        double tau = 0;
        for (int i = 0; i < VAL; i++) {
            double s = 1 + 0.3 * Math.abs(rnd.nextGaussian());
            tau = Math.max(tau, s);
            rows.add(RowFactory.create(id("val", t, i), "normal", "val", 0, "bag", s));
        }
        rows.addAll(testRows(rnd, 0.5 + 0.15 * t));
        for (int i = 0; i < GENERATED - FAILED; i++) {
            rows.add(RowFactory.create(id("gen", t, i), "generated", "train", 1, null, genScore(t, i, tau)));
        }
        writeTable(spark, rows, SCORES, out);
        return tau;
    }

    private static double genScore(int t, int i, double tau) {
        return i < hard(t) ? tau * (0.55 + 0.4 * i / hard(t)) : tau * (1.2 + 0.3 * (i - hard(t)));
    }

    private static List<Row> testRows(Random rnd, double separation) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < TEST_NORMAL; i++) {
            rows.add(RowFactory.create(id("tn", 0, i), "test", "test", 0, "bag",
                    1 + 0.4 * Math.abs(rnd.nextGaussian())));
        }
        for (int i = 0; i < TEST_ANOMALY; i++) {
            rows.add(RowFactory.create(id("ta", 0, i), "test", "test", 1, i % 2 == 0 ? "sandal" : "shirt",
                    1 + separation + 0.5 * Math.abs(rnd.nextGaussian())));
        }
        return rows;
    }

    private void writeGenerated(SparkSession spark, Path out, Random rnd, int t, double tau) {
        List<Row> rows = new ArrayList<>();
        int size = t == 1 ? 32 : 28;
        int channels = t == 1 ? 3 : 1;
        for (int i = 0; i < GENERATED; i++) {
            boolean failed = i >= GENERATED - FAILED;
            String caption = t == 0 && i == 0 && injected != null ? injected
                    : "a bag with " + (i % 3 == 0 ? "a torn strap" : i % 3 == 1 ? "a melted zipper" : "fur") + " #" + i;
            byte[] png = failed ? null : png(size, channels, i, rnd);
            Object error = failed ? RowFactory.create("image", 500, "renderer failed", 3) : null;
            String hardness = failed ? null : i < hard(t) ? "hard" : "easy";
            Double score = failed ? null : genScore(t, i, tau);
            rows.add(RowFactory.create(id("gen", t, i), "generated", "train", 1, null, caption, null, png,
                    failed ? null : size, failed ? null : size, failed ? null : channels, "embedded:bank", t,
                    "p" + t + "-" + i, "embedded-lm", "embedded-bank", SEED + i, null, error, score, hardness, null));
        }
        writeTable(spark, rows, SampleSchema.SCHEMA, out);
    }

    private static void writeLatent(SparkSession spark, Path out, Random rnd) {
        List<Row> rows = new ArrayList<>();
        String[] kinds = {"normal", "generated", "test_normal", "test_anomaly"};
        int[] counts = {120, 60, TEST_NORMAL, TEST_ANOMALY};
        double[][] centres = {{0, 0}, {3, 1}, {0.2, -0.1}, {2.5, -1.5}};
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < counts[k]; i++) {
                rows.add(RowFactory.create(id(kinds[k], 9, i), kinds[k], centres[k][0] + 0.6 * rnd.nextGaussian(),
                        centres[k][1] + 0.6 * rnd.nextGaussian()));
            }
        }
        writeTable(spark, rows, LATENT, out);
    }

    private static byte[] png(int size, int channels, int i, Random rnd) {
        byte[] px = new byte[size * size * channels];
        for (int p = 0; p < px.length; p++) {
            int x = (p / channels) % size;
            int y = (p / channels) / size;
            boolean on = Math.abs(x - size / 2) < 4 + i % 8 && Math.abs(y - size / 2) < 10 - i % 5;
            px[p] = (byte) ((on ? 140 + 10 * (p % channels) : 10) + rnd.nextInt(30));
        }
        return ImageCodec.png(ImageCodec.fromPixels(px, size, size, channels));
    }

    /** @return a 32-hex-character id, unique per (kind, iteration, index) */
    static String id(String kind, int t, int i) {
        return ImageCodec.sampleId(kind + ":" + t, new byte[] {(byte) i, (byte) (i >> 8)});
    }

    private static void writeTable(SparkSession spark, List<Row> rows, StructType schema, Path out) {
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(out.toString());
    }

    /** The JSON files of the synthetic run, valid against data-schemas/. */
    static final class Metrics {
        private Metrics() {
        }

        static ObjectNode iteration(int t, double tau, int hard, int easy, int generated, int failed) {
            ObjectNode m = JSON.createObjectNode();
            m.put("iteration", t);
            m.put("mode", "add");
            m.set("lm", model(t == 0 ? "base" : "dpo-" + (t - 1)));
            ObjectNode reps = m.putObject("representatives");
            reps.put("features", "pixels").putNull("encoder");
            reps.putArray("examples").add("a grey t-shirt").add("a light t-shirt with short sleeves");
            ObjectNode gen = m.putObject("generation");
            gen.put("prompts", 10).put("descriptions", generated).put("dropped_normal_mentions", 1)
                    .put("description_errors", 0).put("images", generated - failed).put("image_errors", failed);
            int size = (hard + easy) * (t + 1);
            ObjectNode set = m.putObject("anomaly_set");
            set.put("judge", "baseline");
            composition(set, size, hard * (t + 1));
            set.put("added", hard + easy).put("removed", 0);
            ObjectNode in = set.putObject("in_sample");
            in.put("judge", "E_" + t).put("hard", hard).put("easy", size - hard)
                    .put("hard_fraction", (double) hard / size);
            classes(in.putObject("classes"), size, hard);
            ObjectNode gen2 = m.putObject("new_generation");
            gen2.put("judge", t == 0 ? "baseline" : "E_" + (t - 1));
            composition(gen2, hard + easy, Math.max(0, hard - 2));
            ObjectNode probe = m.putObject("probe");
            probe.put("judge", "E_" + t);
            composition(probe, easy, 1);
            if (t == 0) {
                m.putObject("baseline").put("detector", "Deep SVDD").<ObjectNode>set("threshold",
                        JSON.createObjectNode().put("rule", "quantile").put("quantile", 0.9).put("value", tau * 2)
                                .put("val_normals", VAL)).putObject("evaluation").put("auroc", 0.65)
                        .put("auprc", 0.55).put("test_rows", TEST_NORMAL + TEST_ANOMALY);
                m.putNull("dpo_effect");
            } else {
                ObjectNode d = m.putObject("dpo_effect");
                d.put("judge", "E_" + (t - 1));
                composition(d.putObject("before"), hard + easy, Math.max(1, hard - 2)).remove(List.of("size", "easy"));
                ((ObjectNode) d.get("before")).put("total", hard + easy);
                composition(d.putObject("after"), hard + easy, hard).remove(List.of("size", "easy"));
                ((ObjectNode) d.get("after")).put("total", hard + easy);
                d.put("prompts", 10).put("ratio", (double) hard / Math.max(1, hard - 2));
                d.putArray("ci95").add(0.9).add(1.6);
            }
            m.putObject("threshold").put("rule", "max").put("value", tau).put("val_normals", VAL);
            m.put("pairs", Math.min(hard, easy));
            ObjectNode tuning = m.putObject("tuning");
            tuning.put("provider", "embedded").set("model_after", model("dpo-" + t));
            tuning.put("steps", 20).put("loss_first", 0.69).put("loss_last", 0.41).putNull("skipped");
            m.putObject("evaluation").put("auroc", 0.7 + 0.05 * t).put("auprc", 0.6 + 0.05 * t)
                    .put("test_rows", TEST_NORMAL + TEST_ANOMALY);
            m.putObject("usage").put("requests", 10).put("retries", 1).put("prompt_tokens", 1200)
                    .put("completion_tokens", 800).put("images", generated - failed).put("errors", failed)
                    .put("cached", 0).put("cost", 0.0);
            m.putObject("seconds").put("total", 12.5 + t).put("generation", 4.0).put("evaluator", 6.0);
            return m;
        }

        static ObjectNode run(ArrayNode its, boolean withFinal, long seed) {
            ObjectNode m = JSON.createObjectNode();
            m.set("provenance", provenance(seed));
            m.set("iterations", its);
            if (withFinal) {
                ObjectNode f = m.putObject("final");
                f.put("iteration", its.size() - 1).put("detector", "SAD+KKA").put("auroc", 0.83).put("auprc", 0.77)
                        .put("test_rows", TEST_NORMAL + TEST_ANOMALY);
                f.putObject("per_class").put("sandal", 0.85).put("shirt", 0.81);
            } else {
                m.putNull("final");
            }
            m.putObject("totals").put("generated", GENERATED * its.size()).put("requests", 10 * its.size())
                    .put("retries", its.size()).put("tokens", 2000 * its.size())
                    .put("images", (GENERATED - FAILED) * its.size()).put("errors", FAILED * its.size())
                    .put("cost", 0.0).put("seconds", 40.0);
            return m;
        }

        static ObjectNode state(Path dir, ArrayNode its, long seed) {
            ObjectNode s = JSON.createObjectNode();
            s.put("version", 1).put("run_dir", dir.toString()).put("last_complete_iteration", its.size() - 1);
            s.set("provenance", provenance(seed));
            ArrayNode out = s.putArray("iterations");
            its.forEach(m -> out.addObject().put("iteration", m.get("iteration").asInt())
                    .<ObjectNode>set("lm_used", m.get("lm"))
                    .<ObjectNode>set("lm_next", m.get("tuning").get("model_after"))
                    .put("threshold", m.get("threshold").get("value").asDouble())
                    .<ObjectNode>set("threshold_levels", JSON.createObjectNode())
                    .put("baseline_threshold", 2 * m.get("threshold").get("value").asDouble())
                    .<ObjectNode>set("baseline_levels", JSON.createObjectNode())
                    .put("set_size", m.get("anomaly_set").get("size").asInt())
                    .put("hard_fraction", m.get("anomaly_set").get("hard_fraction").asDouble()));
            return s;
        }

        /** size, hard, easy, hard_fraction, classes (two classes), distinct_classes, class_entropy */
        private static ObjectNode composition(ObjectNode o, int size, int hard) {
            o.put("size", size).put("hard", hard).put("easy", size - hard)
                    .put("hard_fraction", size == 0 ? 0.0 : (double) hard / size);
            classes(o.putObject("classes"), size, hard);
            o.put("distinct_classes", 2).put("class_entropy", 1.0);
            return o;
        }

        private static void classes(ObjectNode c, int size, int hard) {
            c.putObject("Shirt").put("n", size / 2).put("hard", hard).put("hard_share", hard == 0 ? 0.0 : 1.0);
            c.putObject("Bag").put("n", size - size / 2).put("hard", 0).put("hard_share", 0.0);
        }

        private static ObjectNode model(String ref) {
            ObjectNode n = JSON.createObjectNode();
            return n.put("kind", "embedded").put("ref", ref);
        }

        private static ObjectNode provenance(long seed) {
            ObjectNode p = JSON.createObjectNode();
            p.put("config_sha256", "ab".repeat(32)).put("seed", seed).put("kka_version", "0.1.0-test")
                    .put("git_commit", "0123abc").put("spark", "3.5.9").put("dl4j", "1.0.0-M2 (nd4j-native)")
                    .put("java", "17").put("started_at", "2025-01-01T00:00:00Z");
            p.putArray("inputs").add("/data/fashion-mnist").add("conf/knowledge");
            return p;
        }
    }
}
