package io.kka.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.ConfigException;
import io.kka.config.DataConfig;
import io.kka.config.RepresentativesConfig;
import io.kka.config.TaskConfig;
import io.kka.generate.Representatives;
import io.kka.ml.DeepSad;
import io.kka.ml.DeepSadModel;
import io.kka.testing.SparkTestSession;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@code data.image_storage: uri} and {@link SampleImages} on a small 224 px RGB fixture: a folder dataset
 * of 256×240 JPEGs (so every load decodes and resizes), ingested once inline and once by URI.
 */
class SampleImagesTest {
    private static final int SIDE = 224;
    private static final int PER_CLASS = 12;
    private static final TaskConfig TASK = new TaskConfig(List.of("plain"), 0.25, 0.3, 0, 0);
    private static Path images;
    private static Dataset<Row> inline;
    private static Dataset<Row> byUri;
    private static Path inlineTable;
    private static Path uriTable;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void ingestBothWays(@TempDir Path dir) throws Exception {
        images = dir.resolve("images");
        writeFixture(images);
        SparkSession spark = SparkTestSession.get();
        inlineTable = dir.resolve("inline");
        uriTable = dir.resolve("uri");
        Ingestor.Result a = Ingestor.of(data(images, DataConfig.ImageStorage.INLINE), TASK, 7)
                .ingest(spark, inlineTable.toString(), false);
        Ingestor.Result b = Ingestor.of(data(images, DataConfig.ImageStorage.URI), TASK, 7)
                .ingest(spark, uriTable.toString(), false);
        assertEquals(a.counts(), b.counts(), "the same rows, roles and splits either way");
        inline = spark.read().parquet(inlineTable.toString());
        byUri = spark.read().parquet(uriTable.toString());
    }

    static DataConfig data(Path root, DataConfig.ImageStorage storage) {
        DataConfig d = DataConfig.defaults();
        return new DataConfig(DataConfig.DatasetKind.FOLDER, root.toString(), null, SIDE, 3, true, true,
                DataConfig.CaptionPolicy.OPTIONAL, DataConfig.ClassLevel.FINE, DataConfig.BadRecordPolicy.FAIL, 2,
                d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of(), storage);
    }

    /** Class "plain": smooth gradients; class "spots": the same with bright discs. JPEG, 256×240, seeded. */
    static void writeFixture(Path root) throws IOException {
        Random r = new Random(11);
        StringBuilder captions = new StringBuilder("file,caption\n");
        for (String cls : List.of("plain", "spots")) {
            for (int i = 0; i < PER_CLASS; i++) {
                BufferedImage img = new BufferedImage(256, 240, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = img.createGraphics();
                g.setPaint(new java.awt.GradientPaint(0, 0, new Color(r.nextInt(80), 60 + r.nextInt(60), 120),
                        256, 240, new Color(200, 150 + r.nextInt(60), r.nextInt(100))));
                g.fillRect(0, 0, 256, 240);
                if (cls.equals("spots")) {
                    g.setColor(Color.WHITE);
                    for (int k = 0; k < 6; k++) {
                        g.fillOval(r.nextInt(220), r.nextInt(200), 20 + r.nextInt(20), 20 + r.nextInt(20));
                    }
                }
                g.dispose();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(img, "jpg", out);
                Path f = root.resolve(cls).resolve(cls + "-" + i + ".jpg");
                Files.createDirectories(f.getParent());
                Files.write(f, out.toByteArray());
                captions.append(cls).append('/').append(f.getFileName()).append(',').append(cls.equals("plain")
                        ? "a smooth colour gradient" : "a gradient with white spots").append('\n');
            }
        }
        Files.writeString(root.resolve("captions.csv"), captions);
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static Map<String, byte[]> imagesById(Dataset<Row> df) {
        Map<String, byte[]> m = new HashMap<>();
        df.select(Columns.SAMPLE_ID, Columns.IMAGE).collectAsList().forEach(r -> m.put(r.getString(0),
                (byte[]) r.get(1)));
        return m;
    }

    @Test
    void theUriTableHoldsNoPixelsAndResolvesToExactlyTheInlineImages() throws Exception {
        assertEquals(2 * PER_CLASS, byUri.count());
        assertEquals(0, byUri.where(col(Columns.IMAGE).isNotNull()).count(), "no inline bytes");
        assertEquals(0, byUri.where(col(Columns.IMAGE_URI).isNull()).count(), "every row names its file");
        assertEquals(0, inline.where(col(Columns.IMAGE_URI).isNotNull()).count());
        assertTrue(byUri.select(Columns.IMAGE_URI).as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream()
                .allMatch(u -> u.startsWith("file:" + images.toAbsolutePath()) && u.endsWith(".jpg")));
        long small = bytesUnder(uriTable);
        long big = bytesUnder(inlineTable);
        assertTrue(small * 10 < big, "the URI table should be a small fraction of the inline one: " + small + " vs "
                + big + " bytes");

        Map<String, byte[]> want = imagesById(inline);
        Map<String, byte[]> got = imagesById(SampleImages.resolve(byUri));
        assertEquals(want.keySet(), got.keySet());
        want.forEach((id, png) -> assertArrayEquals(png, got.get(id), id));
        // resolving twice changes nothing, and an inline table is returned as it is
        assertEquals(imagesById(SampleImages.resolve(SampleImages.resolve(byUri))).keySet(), want.keySet());
        Dataset<Row> old = inline.drop(Columns.IMAGE_URI);
        assertTrue(old == SampleImages.resolve(old));
    }

    @Test
    void aDetectorTrainsAndScoresFromUrisAsItDoesInline() {
        Dataset<Row> trainInline = normalsTrain(inline);
        Dataset<Row> trainUri = normalsTrain(byUri);
        DeepSadModel fromInline = small().fit(trainInline);
        DeepSadModel fromUri = small().fit(trainUri);
        Map<String, Double> a = scores(fromInline, inline);
        Map<String, Double> b = scores(fromUri, byUri);
        Map<String, Double> c = scores(fromInline, byUri);
        assertEquals(2 * PER_CLASS, a.size());
        assertEquals(a.keySet(), b.keySet());
        // the same pixels, ids and seed train the same network; native threads may reorder sums in the last bits
        a.forEach((id, s) -> assertEquals(s, b.get(id), 1e-4 * Math.max(1, Math.abs(s)), id));
        a.forEach((id, s) -> assertEquals(s, c.get(id), 1e-6 * Math.max(1, Math.abs(s)), id));
    }

    private static Dataset<Row> normalsTrain(Dataset<Row> table) {
        return table.where(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value())));
    }

    private static DeepSad small() {
        return new DeepSad().setOutputCol("anomaly_score").setEpochs(1).setBatchSize(8).setWorkers(2).setPretrain(false).setRepDim(8)
                .setSeed(3);
    }

    private static Map<String, Double> scores(DeepSadModel m, Dataset<Row> rows) {
        Map<String, Double> out = new HashMap<>();
        m.transform(rows).select(Columns.SAMPLE_ID, "anomaly_score").collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getDouble(1)));
        return out;
    }

    @Test
    void representativesAreChosenFromUriRowsAsFromInlineOnes() {
        RepresentativesConfig cfg = new RepresentativesConfig(2, RepresentativesConfig.FeatureKind.PIXELS, 8, 0.1,
                20);
        List<Row> fromUri = Representatives.of(cfg, 5).select(normalsTrain(SampleImages.resolve(byUri)))
                .collectAsList();
        List<Row> fromInline = Representatives.of(cfg, 5).select(normalsTrain(inline)).collectAsList();
        assertEquals(2, fromUri.size());
        assertEquals(fromInline.stream().map(r -> r.getAs(Columns.SAMPLE_ID)).toList(),
                fromUri.stream().map(r -> r.getAs(Columns.SAMPLE_ID)).toList());
        for (Row r : fromUri) {
            byte[] png = r.getAs(Columns.IMAGE);
            assertTrue(png != null && png.length > 0, "a representative carries its decoded image");
        }
    }

    @Test
    void aFileChangedOrRemovedAfterIngestFailsTheStageNamingIt(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("images");
        writeFixture(copy);
        String table = dir.resolve("samples").toString();
        Ingestor.of(data(copy, DataConfig.ImageStorage.URI), TASK, 7).ingest(spark, table, false);
        Path changed = copy.resolve("plain/plain-3.jpg");
        Files.copy(changed, dir.resolve("original.jpg"));
        Files.copy(copy.resolve("plain/plain-4.jpg"), changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Exception e = assertThrows(Exception.class, () -> imagesById(SampleImages.read(spark, table,
                DataConfig.DEFAULT_MAX_IMAGE_PIXELS)));
        String msg = rootMessage(e);
        assertTrue(msg.contains("image_uri file:" + changed.toAbsolutePath()) && msg.contains("changed since ingest"),
                msg);

        Files.copy(dir.resolve("original.jpg"), changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path removed = copy.resolve("plain/plain-4.jpg");
        Files.delete(removed);
        e = assertThrows(Exception.class, () -> imagesById(SampleImages.read(spark, table,
                DataConfig.DEFAULT_MAX_IMAGE_PIXELS)));
        msg = rootMessage(e);
        assertTrue(msg.contains("image_uri file:" + removed.toAbsolutePath()) && msg.contains("no longer exists"),
                msg);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Test
    void uriStorageNeedsAReaderOfImageFiles() {
        DataConfig d = DataConfig.defaults();
        ConfigException e = assertThrows(ConfigException.class, () -> d.withImageStorage(
                DataConfig.ImageStorage.URI));
        assertTrue(e.getMessage().contains("image_storage") && e.getMessage().contains("fashion-mnist"),
                e.getMessage());
    }
    @Test
    void theCommandsIngestTrainAndScoreByUriAndAChangedFileIsOneLine(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("images");
        writeFixture(copy);
        Path run = dir.resolve("run");
        Path cfg = dir.resolve("uri.yaml");
        Files.writeString(cfg, String.join("\n",
                "run: {name: uri-storage, dir: '" + run + "', seed: 7}",
                "data: {dataset: folder, path: '" + copy + "', image_size: " + SIDE + ", channels: 3,"
                        + " image_storage: uri, captions_file: captions.csv}",
                "task: {normal_classes: [plain], val_fraction: 0.25, test_fraction: 0.3}",
                "evaluator: {epochs: 1, batch_size_per_worker: 8, workers: 2, rep_dim: 8}",
                ""));
        io.kka.testing.Cli.Run ingest = io.kka.testing.Cli.kka("ingest", cfg.toString());
        assertEquals(0, ingest.code(), ingest.err());
        Dataset<Row> samples = spark.read().parquet(run.resolve("samples").toString());
        assertEquals(2 * PER_CLASS, samples.count());
        assertEquals(0, samples.where(col(Columns.IMAGE).isNotNull()).count(), "the run's table holds URIs only");
        io.kka.testing.Cli.Run train = io.kka.testing.Cli.kka("train", cfg.toString());
        assertEquals(0, train.code(), train.err());
        io.kka.testing.Cli.Run score = io.kka.testing.Cli.kka("score", cfg.toString());
        assertEquals(0, score.code(), score.err());
        Dataset<Row> scores = spark.read().parquet(run.resolve("final/scores").toString());
        long test = samples.where(col(Columns.SPLIT).equalTo(Split.TEST.value())).count();
        assertEquals(test, scores.where(col(Columns.SCORE).isNotNull()).count());

        // a test image edited after ingest
        Path changed = Path.of(java.net.URI.create(samples.where(col(Columns.SPLIT).equalTo(Split.TEST.value()))
                .orderBy(Columns.SAMPLE_ID).select(Columns.IMAGE_URI).first().getString(0)));
        Path other = changed.getFileName().toString().equals("plain-0.jpg") ? copy.resolve("plain/plain-1.jpg")
                : copy.resolve("plain/plain-0.jpg");
        Files.copy(other, changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        io.kka.testing.Cli.Run again = io.kka.testing.Cli.kka("score", cfg.toString(), "--overwrite");
        String line = again.err().strip();
        assertEquals(2, again.code(), again.err());
        assertTrue(line.startsWith("kka: error: sample ") && !line.contains("\n") && line.contains("image_uri file:"
                + changed.toAbsolutePath()) && line.contains("changed since ingest"), line);
    }
}
