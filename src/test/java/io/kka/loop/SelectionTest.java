package io.kka.loop;

import io.kka.tune.PreferencePair;
import io.kka.tune.PairsWriter;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.RunConfig;
import io.kka.config.SelectionConfig;
import io.kka.data.SampleSchema;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Tests for Eq. 6 ({@link HardAnomalySelector}), {@link PreferencePairs}, {@link PairsWriter} and
 * {@link AnomalySetUpdater}. */
class SelectionTest {
    private static final StructType S = new StructType()
            .add("sample_id", DataTypes.StringType).add("role", DataTypes.StringType)
            .add("split", DataTypes.StringType).add("score", DataTypes.DoubleType)
            .add("caption", DataTypes.StringType).add("prompt_id", DataTypes.StringType);
    private static final StructType PROMPT_SCHEMA = new StructType().add("prompt_id", DataTypes.StringType)
            .add("system", DataTypes.StringType).add("prompt", DataTypes.StringType)
            .add("examples", DataTypes.createArrayType(DataTypes.StringType));
    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> frame(Object[]... rows) {
        List<Row> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(RowFactory.create(r));
        }
        return spark.createDataFrame(out, S);
    }

    private Dataset<Row> scored(double testNormalScore) {
        return frame(
                new Object[] {"v1", "normal", "val", 1.0, null, null},
                new Object[] {"v2", "normal", "val", 3.0, null, null},
                new Object[] {"v3", "normal", "val", 2.0, null, null},
                new Object[] {"n1", "normal", "train", 50.0, null, null},
                new Object[] {"t1", "test", "test", testNormalScore, null, null},
                new Object[] {"g1", "generated", "train", 0.5, "a linen shirt", "p"},
                new Object[] {"g2", "generated", "train", 2.9, "a thin pullover", "p"},
                new Object[] {"g3", "generated", "train", 3.0, "a leather bag", "p"},
                new Object[] {"g4", "generated", "train", 9.0, "a beach sandal", "p"},
                new Object[] {"g5", "generated", "train", null, null, "p"});
    }

    @Test
    void thresholdIsMaxOfValidationNormalsAndIgnoresTestAndTrain() {
        SelectionConfig cfg = SelectionConfig.defaults();
        HardAnomalySelector a = HardAnomalySelector.fit(cfg, scored(0.1));
        HardAnomalySelector b = HardAnomalySelector.fit(cfg, scored(1000.0));
        assertEquals(3.0, a.threshold());
        assertEquals(a.threshold(), b.threshold());
        Dataset<Row> gen = scored(0.1).filter(col("role").equalTo("generated"));
        Set<String> hardA = hard(a.select(gen));
        Set<String> hardB = hard(b.select(scored(1000.0).filter(col("role").equalTo("generated"))));
        assertEquals(Set.of("g1", "g2"), hardA);
        assertEquals(hardA, hardB);
        assertEquals(1, a.select(gen).filter(col("hardness").isNull()).count());
    }

    private static Set<String> hard(Dataset<Row> df) {
        return df.filter(col("hardness").equalTo("hard")).select("sample_id").collectAsList().stream()
                .map(r -> r.getString(0)).collect(Collectors.toSet());
    }

    @Test
    void quantileRuleAndMissingValidationNormals() {
        SelectionConfig q = new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.5, 10, 0);
        assertEquals(2.0, HardAnomalySelector.fit(q, scored(0)).threshold());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HardAnomalySelector.fit(
                SelectionConfig.defaults(), scored(0).filter(col("split").notEqual("val"))));
        assertTrue(e.getMessage().startsWith("no scored validation normals"));
    }

    @Test
    void pairsFollowTheSeededCyclicRuleAndMatchBothSchemas() throws Exception {
        HardAnomalySelector sel = HardAnomalySelector.fit(SelectionConfig.defaults(), scored(0));
        Dataset<Row> gen = sel.select(scored(0).filter(col("role").equalTo("generated")));
        Dataset<Row> prompts = spark.createDataFrame(List.of(RowFactory.create("p", null, "Describe garments",
                new String[] {"a grey t-shirt"})), PROMPT_SCHEMA);
        List<PreferencePair> pairs = PreferencePairs.of(new SelectionConfig(SelectionConfig.ThresholdRule.MAX, 0.9,
                10, 0), 5).pairs(gen, prompts);
        assertEquals(2, pairs.size());
        assertEquals(Set.of("a linen shirt", "a thin pullover"),
                pairs.stream().map(PreferencePair::chosen).collect(Collectors.toSet()));
        assertEquals(Set.of("a leather bag", "a beach sandal"),
                pairs.stream().map(PreferencePair::rejected).collect(Collectors.toSet()));
        assertTrue(pairs.stream().allMatch(p -> p.prompt().equals("Describe garments")));
        assertEquals(List.of("a grey t-shirt"), pairs.get(0).examples());
        assertEquals(pairs, PreferencePairs.of(new SelectionConfig(SelectionConfig.ThresholdRule.MAX, 0.9, 10, 0), 5)
                .pairs(gen, prompts));
        assertEquals(1, PreferencePairs.of(new SelectionConfig(SelectionConfig.ThresholdRule.MAX, 0.9, 1, 0), 5)
                .pairs(gen, prompts).size());
        ObjectMapper m = new ObjectMapper();
        for (String line : PairsWriter.trl(pairs).split("\n")) {
            assertEquals(List.of(), SchemaValidation.errors("pairs.trl.schema.json", m.readTree(line)));
        }
        for (String line : PairsWriter.openAi(pairs).split("\n")) {
            assertEquals(List.of(), SchemaValidation.errors("pairs.openai.schema.json", m.readTree(line)));
        }
    }

    @Test
    void noPairsWithoutBothSides() {
        HardAnomalySelector sel = HardAnomalySelector.fit(SelectionConfig.defaults(), scored(0));
        Dataset<Row> onlyEasy = sel.select(scored(0).filter(col("sample_id").isin("g3", "g4")));
        Dataset<Row> prompts = spark.createDataFrame(List.of(RowFactory.create("p", null, "x", new String[0])),
                PROMPT_SCHEMA);
        assertEquals(List.of(), PreferencePairs.of(SelectionConfig.defaults(), 1).pairs(onlyEasy, prompts));
    }

    private Dataset<Row> set(String prefix, int n, String hardness) {
        return set(prefix, n, hardness, null);
    }

    private Dataset<Row> set(String prefix, int n, String hardness, String cls) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(prefix + i, new byte[] {1}, hardness, cls));
        }
        Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("sample_id", DataTypes.StringType)
                .add("image", DataTypes.BinaryType).add("hardness", DataTypes.StringType)
                .add("class_name", DataTypes.StringType));
        return df.withColumn("error", org.apache.spark.sql.functions.lit(null).cast(SampleSchema.ERROR));
    }

    @Test
    void replaceKeepsSizeAndSwapsEasyForNewHard() {
        Dataset<Row> previous = set("h", 3, "hard").unionByName(set("e", 5, "easy"));
        Dataset<Row> candidates = set("n", 4, "hard").unionByName(set("x", 6, "easy"));
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(0), 9)
                .update(previous, candidates);
        assertEquals(8, u.set().count());
        assertEquals(4, u.added());
        assertEquals(4, u.removed());
        List<String> ids = u.set().select("sample_id").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertTrue(ids.containsAll(List.of("h0", "h1", "h2", "n0", "n1", "n2", "n3")), ids.toString());
        assertEquals(1, ids.stream().filter(i -> i.startsWith("e")).count());
        assertEquals(ids, AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(0), 9).update(previous, candidates)
                .set().select("sample_id").collectAsList().stream().map(r -> r.getString(0)).toList());
    }

    @Test
    void addInjectsOnlyNewHardAndInitialIsCapped() {
        Dataset<Row> previous = set("h", 3, "hard");
        Dataset<Row> candidates = set("n", 4, "hard").unionByName(set("x", 6, "easy"));
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(RunConfig.UpdateMode.ADD, sel(0), 9).update(previous, candidates);
        assertEquals(7, u.set().count());
        assertEquals(4, AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(4), 9).initial(candidates).count());
    }

    @Test
    void theFirstSetLeavesOutAHeldOutShareOfTheGeneration() {
        Dataset<Row> candidates = set("n", 200, "hard").unionByName(set("x", 200, "easy"));
        SelectionConfig half = new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.9, 10, 0,
                SelectionConfig.UpdateRule.HARD, SelectionConfig.Spread.CLASS, 1.0, 0.5, true);
        List<String> in = ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, half, 9).initial(candidates));
        assertTrue(in.size() > 160 && in.size() < 240, "about half of 400: " + in.size());
        assertEquals(in, ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, half, 9).initial(candidates
                .repartition(3))), "seeded by sample id, whatever the partitioning");
        SelectionConfig tenth = new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.9, 10, 0,
                SelectionConfig.UpdateRule.HARD, SelectionConfig.Spread.CLASS, 1.0, 0.1, true);
        List<String> more = ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, tenth, 9).initial(candidates));
        assertTrue(more.containsAll(in), "a smaller held-out share keeps every member of the larger one's set");
    }

    @Test
    void replaceChangesAtMostTheConfiguredShareOfTheSet() {
        Dataset<Row> previous = set("e", 10, "easy");
        Dataset<Row> candidates = set("n", 10, "hard");
        SelectionConfig cap = new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.9, 10, 0,
                SelectionConfig.UpdateRule.HARD, SelectionConfig.Spread.CLASS, 0.3, 0.25, true);
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, cap, 9)
                .update(previous, candidates);
        assertEquals(3, u.added());
        assertEquals(3, u.removed());
        assertEquals(10, u.set().count());
    }

    @Test
    void leavingMembersComeFromTheMostNumerousClassesFirst() {
        Dataset<Row> previous = set("d", 6, "easy", "Dress").unionByName(set("c", 2, "easy", "Coat"))
                .unionByName(set("b", 2, "easy", "Bag"));
        Dataset<Row> candidates = set("s", 4, "hard", "Shirt");
        List<String> after = ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(SelectionConfig.UpdateRule
                .HARD, SelectionConfig.Spread.CLASS), 9).update(previous, candidates).set());
        assertEquals(2, after.stream().filter(i -> i.startsWith("d")).count(), "four of six dresses leave: " + after);
        assertEquals(2, after.stream().filter(i -> i.startsWith("c")).count(), after.toString());
        assertEquals(2, after.stream().filter(i -> i.startsWith("b")).count(), after.toString());
    }

    private static SelectionConfig sel(int size) {
        return new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.9, 10, size,
                SelectionConfig.UpdateRule.HARD, SelectionConfig.Spread.CLASS, 1.0, 0.25, true);
    }

    private static SelectionConfig sel(SelectionConfig.UpdateRule rule, SelectionConfig.Spread spread) {
        return new SelectionConfig(SelectionConfig.ThresholdRule.QUANTILE, 0.9, 10, 0, rule, spread, 1.0, 0.25, true);
    }

    private static List<String> ids(Dataset<Row> df) {
        return df.select("sample_id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    }

    @Test
    void enteringAnomaliesAreSpreadOverTheirClasses() {
        Dataset<Row> previous = set("e", 4, "easy", "Trouser");
        Dataset<Row> candidates = set("s", 6, "hard", "Shirt").unionByName(set("d", 2, "hard", "Dress"))
                .unionByName(set("x", 3, "easy", "Bag"));
        List<String> spread = ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(SelectionConfig.UpdateRule
                .HARD, SelectionConfig.Spread.CLASS), 9).update(previous, candidates).set());
        assertEquals(4, spread.size());
        assertEquals(2, spread.stream().filter(i -> i.startsWith("d")).count(), "both dresses enter: " + spread);
        assertEquals(2, spread.stream().filter(i -> i.startsWith("s")).count(), spread.toString());
        // seeded random choice among the 8 hard ones, for contrast: the same counts, no class guarantee
        List<String> random = ids(AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(SelectionConfig.UpdateRule
                .HARD, SelectionConfig.Spread.RANDOM), 9).update(previous, candidates).set());
        assertEquals(4, random.size());
        assertTrue(random.stream().noneMatch(i -> i.startsWith("x") || i.startsWith("e")), random.toString());
    }

    @Test
    void theRandomAblationChurnsAsMuchAsKkaButIgnoresHardness() {
        Dataset<Row> previous = set("h", 5, "hard").unionByName(set("e", 5, "easy"));
        Dataset<Row> candidates = set("n", 3, "hard").unionByName(set("x", 20, "easy"));
        AnomalySetUpdater.Update u = AnomalySetUpdater.of(RunConfig.UpdateMode.REPLACE, sel(SelectionConfig
                .UpdateRule.RANDOM, SelectionConfig.Spread.CLASS), 4).update(previous, candidates);
        assertEquals(3, u.added(), "m = min(#easy members, #new hard)");
        assertEquals(10, u.set().count());
        List<String> in = ids(u.set());
        long entered = in.stream().filter(i -> i.startsWith("n") || i.startsWith("x")).count();
        assertEquals(3, entered);
        assertTrue(in.stream().anyMatch(i -> i.startsWith("x")), "random entries are mostly easy ones: " + in);
    }
}
