package io.kka.detect;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EvaluatorConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector seam: evaluator.kind chooses the detector, and a saved detector loads back as its kind. */
class DetectorsTest {
    private static final int SIDE = 28;
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.get();
        train = DetectFixtures.frame(spark, SIDE, 1, new int[] {80}, new int[] {0}, "n").cache();
        test = DetectFixtures.frame(spark, SIDE, 99, new int[] {30, 30}, new int[] {0, 0}, "t").cache();
    }

    static EvaluatorConfig config(EvaluatorConfig.Kind kind) {
        EvaluatorConfig d = EvaluatorConfig.defaults();
        return new EvaluatorConfig(kind, d.network(), 0, 1.0, 1e-6, 0.1, 2, 1e-3, 1e-6, List.of(1), 8, 2, 5, 0,
                new EvaluatorConfig.PretrainConfig(false, 3, 1e-3, 1e-6), d.simplenet(), d.mahalanobis());
    }

    private static Map<Integer, Double> meanScoreByLabel(Dataset<Row> scored) {
        Map<Integer, Double> m = new HashMap<>();
        scored.groupBy("label").agg(avg("score")).collectAsList().forEach(r -> m.put(r.getInt(0), r.getDouble(1)));
        return m;
    }

    private static Map<String, Double> scores(Detector d) {
        Map<String, Double> m = new HashMap<>();
        d.score(test).select("sample_id", "score").collectAsList().forEach(r -> m.put(r.getString(0),
                r.getDouble(1)));
        return m;
    }

    @Test
    void mahalanobisOnThePretrainedEncoderSeparatesAndRoundTrips(@TempDir Path dir) throws Exception {
        Detector d = Detectors.fit(config(EvaluatorConfig.Kind.MAHALANOBIS), train, 5);
        assertEquals("mahalanobis", d.kind());
        assertTrue(d.describe().startsWith("Mahalanobis (1 Gaussian) on encoder"), d.describe());
        Map<Integer, Double> byLabel = meanScoreByLabel(d.score(test));
        assertTrue(byLabel.get(1) > byLabel.get(0), "anomalies should score higher: " + byLabel);
        Vector f = (Vector) d.embed(test.limit(1)).select(DeepSadModel.FEATURES).first().get(0);
        assertEquals(d.encoder().repDim(), f.size());

        String uri = dir.resolve("m").toUri().toString();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        d.save(uri, false, conf);
        assertTrue(Fs.readString(Fs.child(uri, Detectors.META), conf).contains("\"kind\" : \"mahalanobis\""));
        Detector back = Detectors.load(uri, spark);
        assertEquals("mahalanobis", back.kind());
        Map<String, Double> a = scores(d);
        Map<String, Double> b = scores(back);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
        assertThrows(IllegalStateException.class, () -> d.save(uri, false, conf));
    }

    @Test
    void deepSadSavesItsKindAndOldModelDirectoriesStillLoad(@TempDir Path dir) throws Exception {
        Detector d = Detectors.fit(config(EvaluatorConfig.Kind.DEEP_SAD), train, 5);
        assertEquals("deep-sad", d.kind());
        assertTrue(d instanceof DeepSadModel);
        String uri = dir.resolve("sad").toUri().toString();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        d.save(uri, false, conf);
        assertEquals("deep-sad", Detectors.load(uri, spark).kind());
        // a model directory from before detector kinds: deepsad.json and model.zip only
        Files.delete(dir.resolve("sad").resolve(Detectors.META));
        Detector legacy = Detectors.load(uri, spark);
        assertEquals("deep-sad", legacy.kind());
        Map<String, Double> a = scores(d);
        Map<String, Double> b = scores(legacy);
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
    }

    @Test
    void unknownKindsAndMissingDirectoriesAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        Files.createDirectories(p);
        Files.writeString(p.resolve(Detectors.META), "{\"format\": \"kka-detector/1\", \"kind\": \"patchcore\"}");
        var e = assertThrows(InvalidInputException.class, () -> Detectors.load(p.toUri().toString(), spark));
        assertTrue(e.getMessage().contains("detector.json: unknown detector kind 'patchcore'"), e.getMessage());
        Files.writeString(p.resolve(Detectors.META), "{\"format\": \"other/2\"}");
        e = assertThrows(InvalidInputException.class, () -> Detectors.load(p.toUri().toString(), spark));
        assertTrue(e.getMessage().contains("unknown format 'other/2'"), e.getMessage());
        String none = dir.resolve("none").toUri().toString();
        e = assertThrows(InvalidInputException.class, () -> Detectors.load(none, spark));
        assertTrue(e.getMessage().startsWith("no detector at "), e.getMessage());
        assertTrue(train.where(col("sad_label").equalTo(-1)).isEmpty());
    }
}
