package io.kka.generate.embedded;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.LlmConfig;
import io.kka.generate.DescriptionParser;
import io.kka.generate.GenerationSchemas;
import io.kka.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link EmbeddedDescriptionGenerator}. */
class EmbeddedDescriptionGeneratorTest {
    private static final Set<String> NORMAL = Set.of("T-shirt/top");
    private final SparkSession spark = SparkTestSession.get();

    static LlmConfig llm(boolean dropNormal) {
        return io.kka.config.ConfigLoader.parse("", "test", List.of("llm.descriptions_per_prompt=8",
                "llm.temperature=1.0", "llm.top_p=0.95", "llm.n=2", "llm.drop_normal_mentions=" + dropNormal)).llm();
    }

    private Dataset<Row> prompts(int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<String> ex = i % 3 == 2 ? List.of("a dark bag", "a light bag")
                    : List.of("a dark t-shirt", "a light t-shirt", "a grey t-shirt");
            rows.add(RowFactory.create("p" + i, 0, null, "Generate descriptions of different garments. Examples: "
                    + String.join("; ", ex), ex.toArray(new String[0]), 1000L + i));
        }
        return spark.createDataFrame(rows, GenerationSchemas.PROMPTS).repartition(partitions);
    }

    private static List<Row> sorted(Dataset<Row> df) {
        return df.collectAsList().stream().sorted(java.util.Comparator.comparing(r -> r.getString(0))).toList();
    }

    @Test
    void dropsAndCountsDescriptionsThatNameANormalClass() {
        EmbeddedDescriptionGenerator keep = EmbeddedDescriptionGenerator.of(spark, llm(false), TestModels.fashion(),
                NORMAL);
        List<Row> all = sorted(keep.describe(prompts(2)));
        long naming = all.stream().filter(r -> DescriptionParser.namedClass(r.getString(3), NORMAL) != null).count();
        assertTrue(naming > 0, "the t-shirt prompts should yield some t-shirt descriptions");
        assertEquals(0, keep.droppedNormalMentions());

        EmbeddedDescriptionGenerator drop = EmbeddedDescriptionGenerator.of(spark, llm(true), TestModels.fashion(),
                NORMAL);
        Dataset<Row> out = drop.describe(prompts(2));
        assertEquals(GenerationSchemas.DESCRIPTIONS, out.schema());
        List<Row> kept = sorted(out);
        assertEquals(naming, drop.droppedNormalMentions());
        assertEquals(all.size() - naming, kept.size());
        assertTrue(kept.stream().noneMatch(r -> DescriptionParser.namedClass(r.getString(3), NORMAL) != null));
        assertTrue(kept.stream().allMatch(r -> r.getString(4).equals(drop.modelName()) && r.isNullAt(7)));
        assertTrue(drop.modelName().startsWith("kka-embedded-lm@"), drop.modelName());
    }

    @Test
    void outputIsDeduplicatedWithExactUsageAndIndependentOfPartitioning(@TempDir Path dir) {
        EmbeddedLanguageModel model = TestModels.fashion();
        List<Row> one = sorted(EmbeddedDescriptionGenerator.of(spark, llm(true), model, NORMAL)
                .describe(prompts(1)));
        String uri = dir.resolve("lm.bin").toUri().toString();
        model.save(uri, new Configuration());
        EmbeddedDescriptionGenerator fromUri = EmbeddedDescriptionGenerator.of(spark, llm(true), uri, NORMAL);
        Dataset<Row> out = fromUri.describe(prompts(3));
        assertEquals(one, sorted(out));
        assertEquals(one.size(), one.stream().map(r -> r.getString(0)).distinct().count(), "description ids");
        for (int i = 0; i < 12; i++) {
            String id = "p" + i;
            long seed = 1000L + i;
            List<String> ds = one.stream().filter(r -> r.getString(1).equals(id)).map(r -> r.getString(3)).toList();
            assertTrue(ds.size() <= 16 && ds.size() == ds.stream().distinct().count(), ds.toString());
            assertTrue(one.stream().filter(r -> r.getString(1).equals(id)).allMatch(r -> r.getLong(5) == seed));
        }
        Row usage = out.agg(sum(col("usage.requests")), sum(col("usage.completion_tokens")),
                sum(col("usage.cost"))).first();
        long promptsWithOutput = one.stream().map(r -> r.getString(1)).distinct().count();
        assertEquals(promptsWithOutput, usage.getLong(0));
        assertTrue(usage.getLong(1) >= one.stream().mapToLong(r -> r.getString(3).split(" ").length).sum());
        assertEquals(0.0, usage.getDouble(2));
    }
}
