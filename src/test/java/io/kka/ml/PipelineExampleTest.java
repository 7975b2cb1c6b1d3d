package io.kka.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.testing.ImageFrames;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API on one page, as a data engineer uses it (the README's "Library API (Spark ML)" snippet is the
 * code between the markers, and a test keeps the two the same): Deep SAD fitted in a pipeline, saved and loaded;
 * then KKA's generation step (Eq. 3–4) as a pipeline whose last stage is the fitted detector, scoring the
 * generated anomalies (Eq. 6's judge). A fake OpenAI-compatible server on loopback stands in for the endpoint.
 */
class PipelineExampleTest {
    @Test
    void detectAndGenerateWithSparkMl(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> train = ImageFrames.frame(spark, 28, 1, new int[] {64, 8}, new int[] {0, -1}, "n");
        Dataset<Row> test = ImageFrames.frame(spark, 28, 2, new int[] {10, 10}, new int[] {0, 0}, "t");
        Dataset<Row> prompts = spark.createDataset(List.of("List 3 anomalous garments.", "List 3 odd bags."),
                Encoders.STRING()).toDF("prompt");
        String out = dir.toUri().toString();
        try (FakeEndpointServer server = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            String url = server.openAiBaseUrl();   // e.g. https://api.openai.com/v1
            String key = "";                       // e.g. "env:OPENAI_API_KEY": a reference, never the key
            // --- snippet:begin
            // Deep SAD on PNG images: sad_label -1 marks labelled anomalies, 0 unlabelled normals
            DeepSad deepSad = new DeepSad().setInputCol("image").setLabelCol("sad_label").setEpochs(2)
                    .setBatchSize(16);
            PipelineModel detector = new Pipeline().setStages(new PipelineStage[] {deepSad}).fit(train);
            detector.write().overwrite().save(out + "/detector");
            Dataset<Row> scored = PipelineModel.load(out + "/detector").transform(test);   // + score

            // KKA's generation step: describe anomalies, render them, score them with the detector
            PipelineModel kka = new Pipeline().setStages(new PipelineStage[] {
                new DescribeAnomalies().setUrl(url).setModel("gpt-4o-mini").setApiKey(key).setMaxRetries(3),
                new SQLTransformer().setStatement("SELECT *, explode(descriptions) AS description FROM __THIS__"),
                new RenderImages().setUrl(url).setModel("gpt-image-1").setApiKey(key).setImageSize(28),
                new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE image IS NOT NULL"),
                detector.stages()[0]}).fit(prompts);
            kka.write().overwrite().save(out + "/kka");
            Dataset<Row> judged = kka.transform(prompts);   // + descriptions, image, errors, usage, score
            // --- snippet:end

            assertEquals(20, scored.where(col("score").isNotNull()).count());
            List<Row> rows = judged.select("description", "score", "describe_usage.requests").collectAsList();
            assertEquals(6, rows.size(), "3 descriptions per prompt, each rendered and scored");
            rows.forEach(r -> assertTrue(r.getDouble(1) >= 0, r.toString()));
            long distinct = rows.stream().map(r -> r.getString(0)).distinct().count();
            assertEquals(2 + distinct, server.hits(), "2 chat requests, then one image request per description");
            assertEquals(5, PipelineModel.load(out + "/kka").stages().length);
        }
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        Path root = SchemaValidation.projectDir();
        String source = Files.readString(root.resolve("src/test/java/io/kka/ml/PipelineExampleTest.java"));
        String readme = Files.readString(root.resolve("README.md"));
        String snippet = between(source, "// --- snippet:begin\n", "            // --- snippet:end");
        StringBuilder dedented = new StringBuilder();
        for (String line : snippet.split("\n", -1)) {
            dedented.append(line.length() >= 12 ? line.substring(12) : line.strip()).append('\n');
        }
        String block = between(readme, "<!-- ml-example:begin -->\n```java\n", "```\n<!-- ml-example:end -->");
        assertEquals(dedented.toString().stripTrailing() + "\n", block,
                "README's Library API snippet differs from PipelineExampleTest: copy the code between the markers");
    }

    private static String between(String text, String begin, String end) {
        int a = text.indexOf(begin);
        int b = text.indexOf(end, a + 1);
        assertTrue(a >= 0 && b > a, "markers " + begin.strip() + " ... " + end.strip() + " not found");
        return text.substring(a + begin.length(), b);
    }
}
