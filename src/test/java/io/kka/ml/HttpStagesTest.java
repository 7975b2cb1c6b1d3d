package io.kka.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.config.ConfigException;
import io.kka.data.ImageCodec;
import io.kka.generate.http.CallError;
import io.kka.generate.http.Usage;
import io.kka.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link DescribeAnomalies} and {@link RenderImages} against the fake endpoint server on loopback: the
 * reply, error and usage columns, faults turned into error rows, and a pipeline of both saved and loaded with its
 * API key only as a reference.
 */
class HttpStagesTest {
    /** the API key the fake server expects; it must appear in no saved file and no message */
    private static final String SECRET = "sk-test-Zq7XSECRETvalue42";
    private static final StructType PROMPTS = new StructType().add("id", DataTypes.StringType, false)
            .add("prompt", DataTypes.StringType, true);
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = SparkTestSession.get();
    }

    private static String secretRef(Path dir) throws Exception {
        Path f = dir.resolve("api-key");
        Files.writeString(f, SECRET + "\n");
        return "file:" + f;
    }

    private static Dataset<Row> prompts(String... texts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            rows.add(RowFactory.create("p" + i, texts[i]));
        }
        return spark.createDataFrame(rows, PROMPTS).repartition(2);
    }

    private static DescribeAnomalies describe(FakeEndpointServer s, String key) {
        return new DescribeAnomalies().setUrl(s.openAiBaseUrl()).setModel("fake-llm").setApiKey(key)
                .setBackoffInitialMs(20).setBackoffMaxMs(200);
    }

    private static RenderImages render(FakeEndpointServer s, String key) {
        return new RenderImages().setUrl(s.openAiBaseUrl()).setModel("fake-sd").setApiKey(key)
                .setBackoffInitialMs(20).setBackoffMaxMs(200);
    }

    private static Map<String, Row> byId(Dataset<Row> df) {
        Map<String, Row> m = new HashMap<>();
        df.collectAsList().forEach(r -> m.put(r.getAs("id"), r));
        return m;
    }

    @Test
    void describeAppendsDescriptionsErrorAndUsage(@TempDir Path dir) throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withApiKey(SECRET))) {
            Dataset<Row> in = prompts("Write 3 anomalous garments", "Write 3 odd bags", "Write 3 anomalous garments",
                    null);
            Dataset<Row> out = describe(s, secretRef(dir)).setSystemPrompt("You write short lists.").transform(in);
            assertEquals(List.of("id", "prompt", "descriptions", "describe_error", "describe_usage"),
                    List.of(out.columns()));
            Map<String, Row> rows = byId(out);
            assertEquals(4, rows.size());
            assertEquals(2, s.hits(), "one request per distinct prompt; none for a null prompt");
            assertEquals("Bearer " + SECRET, s.recorded().get(0).authorization());
            assertTrue(s.recorded().get(0).body().contains("\"content\":\"You write short lists.\""));
            for (String id : List.of("p0", "p1", "p2")) {
                Row r = rows.get(id);
                assertNull(r.getAs("describe_error"), id);
                List<String> d = r.getList(r.fieldIndex("descriptions"));
                assertEquals(3, d.size(), id + ": " + d);
                List<String> sorted = new ArrayList<>(d);
                sorted.sort(null);
                assertEquals(sorted, d, "descriptions come in lexicographic order");
                Usage u = Usage.fromRow(r.getAs("describe_usage"));
                assertEquals(1, u.requests());
                assertTrue(u.promptTokens() > 0 && u.completionTokens() > 0, u.toString());
            }
            assertEquals(rows.get("p0").getList(2), rows.get("p2").getList(2), "equal prompts, one call, one reply");
            Row nul = rows.get("p3");
            assertNull(nul.getAs("descriptions"));
            assertEquals(new CallError("describe", null, "prompt is null", 0), CallError.fromRow(
                    nul.getAs("describe_error")));
            assertEquals(Usage.NONE, Usage.fromRow(nul.getAs("describe_usage")));

            // with a response cache, a second run makes no call and says so in its usage
            DescribeAnomalies cached = describe(s, secretRef(dir)).setCacheDir(dir.resolve("cache").toUri()
                    .toString());
            cached.transform(in).collectAsList();
            long before = s.hits();
            Row again = byId(cached.transform(in)).get("p0");
            assertEquals(before, s.hits());
            assertTrue(Usage.fromRow(again.getAs("describe_usage")).cached());
            assertEquals(0, Usage.fromRow(again.getAs("describe_usage")).requests());
        }
    }

    @Test
    void faultsBecomeErrorRowsAndNeverFailTheJob() throws Exception {
        // half the requests get a 503 and there are no retries: some rows fail, the others have descriptions
        FaultMix mix = new FaultMix(0, 0, 1, 0.5, 0, 0, 0, 0, 0, 7L, List.of());
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(mix))) {
            String[] texts = new String[8];
            Arrays.setAll(texts, i -> "Write anomalies, variant " + i);
            List<Row> rows = describe(s, "").setMaxRetries(0).transform(prompts(texts)).collectAsList();
            assertEquals(8, rows.size());
            int errors = 0;
            for (Row r : rows) {
                CallError e = CallError.fromRow(r.getAs("describe_error"));
                assertEquals(e == null, r.getAs("descriptions") != null, "a reply or an error, never both");
                assertEquals(1, Usage.fromRow(r.getAs("describe_usage")).requests());
                if (e != null) {
                    errors++;
                    assertEquals("describe", e.stage());
                    assertEquals(503, e.status());
                    assertEquals(1, e.attempts());
                }
            }
            assertTrue(errors > 0 && errors < 8, errors + " of 8 rows failed");
        }
        // a truncated image is an error row naming the description
        FaultMix truncated = FaultMix.none().withScript(FaultMix.Fault.TRUNCATED);
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(truncated))) {
            Dataset<Row> in = prompts("a teal raincoat with a burn mark").withColumnRenamed("prompt", "description");
            Row r = render(s, "").setMaxRetries(0).transform(in).first();
            assertNull(r.getAs("image"));
            CallError e = CallError.fromRow(r.getAs("render_error"));
            assertEquals("render", e.stage());
            assertTrue(e.message().contains("teal raincoat") && e.message().contains("truncated"),
                    e.message());
        }
    }

    @Test
    void renderAppendsImagesAtTheDetectorShape() throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            Dataset<Row> in = prompts("a crimson beret with frayed edges", "an ivory apron with ink stains")
                    .withColumnRenamed("prompt", "description");
            for (RenderImages r : List.of(render(s, "").setImageSize(28).setChannels(1),
                    render(s, "").setProvider("automatic1111").setUrl(s.automatic1111BaseUrl()).setImageSize(32)
                            .setChannels(3).setOutputCol("png"))) {
                for (Row row : r.transform(in).collectAsList()) {
                    assertNull(row.getAs("render_error"));
                    byte[] png = row.getAs(r.getOutputCol());
                    BufferedImage img = ImageCodec.decode(png, "test", 1 << 20);
                    assertEquals(r.getImageSize(), img.getWidth());
                    assertEquals(r.getImageSize(), img.getHeight());
                    assertEquals(r.getChannels(), ImageCodec.channels(img));
                    assertEquals(1, Usage.fromRow(row.getAs("render_usage")).images());
                }
            }
            assertEquals(4, s.hits());
            assertTrue(s.recorded().stream().anyMatch(r -> r.path().equals("/sdapi/v1/txt2img")));
            assertTrue(s.recorded().stream().anyMatch(r -> r.path().equals("/v1/images/generations")));
        }
    }

    @Test
    void aPipelineOfBothSavesAndLoadsWithoutTheSecret(@TempDir Path dir) throws Exception {
        try (FakeEndpointServer s = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none())
                .withApiKey(SECRET))) {
            String ref = secretRef(dir);
            DescribeAnomalies describe = describe(s, ref).setTemperature(0.7).setNormalClasses("T-shirt/top");
            SQLTransformer explode = new SQLTransformer().setStatement(
                    "SELECT *, explode_outer(descriptions) AS description FROM __THIS__");
            RenderImages render = render(s, ref).setImageSize(28).setChannels(1);
            PipelineModel model = new Pipeline().setStages(new PipelineStage[] {describe, explode, render})
                    .fit(prompts("Write 3 anomalous garments", "Write 3 odd bags", null));
            Dataset<Row> first = model.transform(prompts("Write 3 anomalous garments", "Write 3 odd bags", null));
            List<Row> rows = first.collectAsList();
            // 2 prompts x 3 descriptions, and the null prompt passes through as one row
            assertEquals(7, rows.size());
            long rendered = rows.stream().filter(r -> r.getAs("image") != null).count();
            assertEquals(6, rendered);
            long distinct = rows.stream().map(r -> r.<String>getAs("description")).filter(java.util.Objects::nonNull)
                    .distinct().count();
            assertEquals(2 + distinct, s.hits(), "each stage called once per distinct request: no re-evaluation");
            Row failed = rows.stream().filter(r -> r.getAs("id").equals("p2")).findFirst().orElseThrow();
            assertEquals("prompt is null", CallError.fromRow(failed.getAs("describe_error")).message());
            assertEquals("description is null", CallError.fromRow(failed.getAs("render_error")).message());

            String uri = dir.resolve("pipeline").toUri().toString();
            model.write().overwrite().save(uri);
            int withRef = 0;
            try (Stream<Path> files = Files.walk(dir.resolve("pipeline"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    // every file, checksums included, read byte for byte
                    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(SECRET), f + " holds the secret");
                    withRef += text.contains("\"apiKey\":\"" + ref + "\"") ? 1 : 0;
                }
            }
            assertEquals(2, withRef, "both stages' metadata name the key by its reference");
            PipelineModel back = PipelineModel.load(uri);
            DescribeAnomalies d2 = assertInstanceOf(DescribeAnomalies.class, back.stages()[0]);
            RenderImages r2 = assertInstanceOf(RenderImages.class, back.stages()[2]);
            SameParams.assertSame(describe, d2);
            SameParams.assertSame(render, r2);
            assertEquals(ref, d2.getApiKey());
            assertArrayEquals(new String[] {"T-shirt/top"}, d2.getOrDefault(d2.normalClasses()));

            Map<String, byte[]> images = new HashMap<>();
            rows.stream().filter(r -> r.getAs("image") != null).forEach(r -> images.put(r.getAs("description"),
                    r.getAs("image")));
            long hits = s.hits();
            Set<String> seen = new HashSet<>();
            for (Row r : back.transform(prompts("Write 3 anomalous garments", "Write 3 odd bags", null))
                    .where(col("image").isNotNull()).collectAsList()) {
                assertArrayEquals(images.get(r.<String>getAs("description")), r.getAs("image"));
                seen.add(r.getAs("description"));
            }
            assertEquals(images.keySet(), seen, "the loaded pipeline gives the same descriptions and images");
            assertEquals(2 * hits, s.hits(), "the same calls again, once each (a filter on the output included)");
        }
    }

    @Test
    void aLiteralKeyIsRefusedAndNeverEchoed() {
        DescribeAnomalies stage = new DescribeAnomalies();
        ConfigException e = assertThrows(ConfigException.class, () -> stage.setApiKey(SECRET));
        assertEquals(stage.uid() + " apiKey must be a secret reference env:NAME or file:PATH (literal secrets are not"
                + " accepted), found a literal value (redacted)", e.getMessage());
        // set(param, value) bypasses the setter: the writer refuses to save it
        DescribeAnomalies d = new DescribeAnomalies().setUrl("http://127.0.0.1:1/v1").setModel("m");
        d.set(d.apiKey(), SECRET);
        ConfigException w = assertThrows(ConfigException.class, d::write);
        assertFalse(w.getMessage().contains(SECRET), w.getMessage());
        assertNotNull(new DescribeAnomalies().setApiKey("env:OPENAI_API_KEY").write());
    }

    @Test
    void transformSchemaNamesTheColumnOrParam() {
        StructType ok = new StructType().add("prompt", DataTypes.StringType);
        DescribeAnomalies unset = new DescribeAnomalies();
        assertEquals(unset.uid() + ": param url (the endpoint's base URL) must be set",
                message(() -> unset.transformSchema(ok)));
        DescribeAnomalies d = new DescribeAnomalies().setUrl("http://127.0.0.1:1/v1").setModel("m");
        assertEquals(List.of("prompt", "descriptions", "describe_error", "describe_usage"),
                List.of(d.transformSchema(ok).fieldNames()));
        assertEquals("Column prompt (request text) must be of type string but was actually int.",
                message(() -> d.transformSchema(new StructType().add("prompt", DataTypes.IntegerType))));
        assertEquals("Output column descriptions already exists.",
                message(() -> d.transformSchema(ok.add("descriptions", DataTypes.StringType))));
        assertEquals("Column s (request seeds) must be of an integer type but was actually string.",
                message(() -> d.copy(new org.apache.spark.ml.param.ParamMap()).setSeedCol("s")
                        .transformSchema(ok.add("s", DataTypes.StringType))));
        assertTrue(message(() -> d.copy(new org.apache.spark.ml.param.ParamMap()).setErrorCol("descriptions")
                .transformSchema(ok)).contains("must differ"));
        assertThrows(IllegalArgumentException.class, () -> new RenderImages().setProvider("dall-e"));
        assertThrows(IllegalArgumentException.class, () -> new RenderImages().setChannels(2));
        assertThrows(IllegalArgumentException.class, () -> new DescribeAnomalies().setUrl("ftp://x"));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
