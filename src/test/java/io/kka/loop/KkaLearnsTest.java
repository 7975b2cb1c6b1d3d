package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.tune.ModelRef;
import io.kka.tune.Tuner;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.config.RepresentativesConfig;
import io.kka.detect.MahalanobisDetector;
import io.kka.detect.MahalanobisModel;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.ImageRenderer;
import io.kka.store.Fs;
import io.kka.testing.Fixtures;
import io.kka.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop learns on the embedded stack: after DPO, the embedded language model writes more anomalies of the classes
 * the evaluator really confuses with the normal class. Confusability is measured on validation data, never on test
 * data: the hard rate per class of iteration 0's probe, generated anomalies the evaluator did not train on.
 *
 * <p>Real Fashion-MNIST images (a small subset), the real embedded language model, renderer and DPO tuner; the
 * evaluator is the Eq. 1 Mahalanobis detector on 8×8 pixels (seconds instead of a Deep SAD training), so the whole
 * loop runs in well under a minute.
 */
class KkaLearnsTest {
    private final SparkSession spark = SparkTestSession.get();

    /** The real stages, with the pixel Mahalanobis detector as the evaluator. */
    private static final class PixelStages implements Stages {
        private final Stages real;
        private final SparkSession spark;
        private final RepresentativesConfig features;

        PixelStages(Stages real, SparkSession spark, RepresentativesConfig features) {
            this.real = real;
            this.spark = spark;
            this.features = features;
        }

        @Override
        public Dataset<Row> representatives(Dataset<Row> trainNormals, Detector encoder) {
            return real.representatives(trainNormals, encoder);
        }

        @Override
        public Dataset<Row> prompts(Dataset<Row> reps, int iteration, long seed) {
            return real.prompts(reps, iteration, seed);
        }

        @Override
        public ModelRef initialModel() {
            return real.initialModel();
        }

        @Override
        public DescriptionGenerator describer(ModelRef lm) {
            return real.describer(lm);
        }

        @Override
        public ImageRenderer renderer() {
            return real.renderer();
        }

        @Override
        public Detector fit(Dataset<Row> trainNormals, Dataset<Row> anomalySet, long seed) {
            return new Pixel(MahalanobisDetector.of(features, 3).fit(trainNormals, null));
        }

        @Override
        public Detector load(String uri) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Fs.readBytes(uri + "/model.ser",
                    spark.sparkContext().hadoopConfiguration())))) {
                return new Pixel((MahalanobisModel) in.readObject());
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Tuner tuner(int iteration, long seed) {
            return real.tuner(iteration, seed);
        }

        @Override
        public java.util.Optional<Evaluation> evaluate(Dataset<Row> scoredTest) {
            return real.evaluate(scoredTest);
        }
    }

    private record Pixel(MahalanobisModel model) implements Detector {
        @Override
        public Dataset<Row> score(Dataset<Row> samples) {
            return model.score(samples);
        }

        @Override
        public Dataset<Row> embed(Dataset<Row> samples) {
            throw new UnsupportedOperationException("the test stops before the final detector's latent map");
        }

        @Override
        public String kind() {
            return "test-pixel-mahalanobis";
        }

        @Override
        public io.kka.detect.DeepSadModel encoder() {
            throw new UnsupportedOperationException("pixel features have no encoder");
        }

        @Override
        public void writeTo(String dir, org.apache.hadoop.conf.Configuration conf) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Fs.writeBytes(dir + "/model.ser", b.toByteArray(), conf);
        }

        @Override
        public String describe() {
            return "Mahalanobis on 8x8 pixels";
        }
    }

    @Test
    void afterDpoTheMostConfusableClassesGainShare(@TempDir Path dir) throws Exception {
        Path data = Fixtures.fashionMnistSubset(dir.resolve("fm"), 80, 20);
        // DPO runs 60 steps here (default 20): a small setup needs a clear push to show its direction
        JobConfig cfg = ConfigLoader.parse("", "test", List.of("run.dir=" + dir.resolve("run"), "run.seed=11",
                "run.iterations=2", "data.path=" + data, "task.normal_classes=[T-shirt/top]", "task.val_fraction=0.3",
                "llm.prompts_per_iteration=40", "representatives.k=4", "tuning.steps=60"));
        JsonNode metrics = KkaLoop.of(cfg, samples -> new PixelStages(DefaultStages.of(cfg, spark, samples), spark,
                cfg.representatives())).run(spark, false, 1); // iteration 1 measures Eq. 8; no final detector needed
        JsonNode effect = metrics.path("iterations").path(1).path("dpo_effect");
        assertTrue(effect.isObject(), "Eq. 8 was measured: " + metrics.path("iterations").path(1));
        assertTrue(metrics.path("iterations").path(0).path("pairs").asInt() > 0);

        // "really confuses", on validation data: the probe of iteration 0 holds generated anomalies E_0 never trained
        // on; the classes with the highest hard rate there are the ones the evaluator confuses with the normals
        JsonNode probe = metrics.path("iterations").path(0).path("probe").path("classes");
        List<String> classes = new ArrayList<>();
        probe.fieldNames().forEachRemaining(c -> {
            if (probe.get(c).path("n").asInt() >= 3) {
                classes.add(c);
            }
        });
        classes.sort(Comparator.comparingDouble((String c) -> -rate(probe.get(c))).thenComparing(c -> c));
        List<String> most = classes.subList(0, 2);
        assertTrue(rate(probe.get(most.get(1))) > 0, "the probe holds hard anomalies: " + probe);

        // Eq. 8 at the level of classes: the same prompts and seeds, before and after DPO
        double before = share(effect.path("before").path("classes"), most);
        double after = share(effect.path("after").path("classes"), most);
        // measured 0.25 -> 0.39; a rise of at least 5 points is a shift, not rounding
        assertTrue(after > before + 0.05, "share of the two most confusable classes " + most + " (hard rates " + probe
                + "): before DPO " + before + ", after " + after + "; " + effect);
        assertTrue(effect.path("before").path("total").asLong() > 0);
    }

    private static double rate(JsonNode c) {
        return c.path("hard").asDouble() / Math.max(1, c.path("n").asDouble());
    }

    /** @return the share of the given classes among all rendered anomalies of one side of the measurement */
    private static double share(JsonNode classes, List<String> which) {
        double n = 0;
        double in = 0;
        for (var it = classes.fields(); it.hasNext(); ) {
            var e = it.next();
            n += e.getValue().path("n").asDouble();
            in += which.contains(e.getKey()) ? e.getValue().path("n").asDouble() : 0;
        }
        return n == 0 ? 0 : in / n;
    }
}
