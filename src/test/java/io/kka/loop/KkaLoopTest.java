package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.Fixtures;
import io.kka.testing.RunComparison;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of the Algorithm 1 driver {@link KkaLoop} with fast fake stages. */
class KkaLoopTest {
    private static Path data;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void fixture(@TempDir Path dir) throws Exception {
        data = Fixtures.fashionMnist(dir.resolve("fm"), 12, 5);
    }

    private static JobConfig cfg(Path run, int iterations, String... extra) {
        List<String> sets = new java.util.ArrayList<>(List.of("run.dir=" + run, "run.iterations=" + iterations,
                "data.path=" + data, "task.normal_classes=[Trouser]", "task.val_fraction=0.5"));
        sets.addAll(List.of(extra));
        return ConfigLoader.parse("", "test", sets);
    }

    @Test
    void runsAlgorithmOneAndCommitsEveryIteration(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        FakeStages stages = new FakeStages(spark);
        ObjectNode metrics = KkaLoop.of(cfg(run, 2), samples -> stages).run(spark, false, Integer.MAX_VALUE);
        for (String it : List.of("000", "001", "002")) {
            Path d = run.resolve("iterations").resolve(it);
            for (String f : List.of("prompts", "descriptions", "generated", "anomaly_set", "evaluator", "scores",
                    "pairs.trl.jsonl", "pairs.openai.jsonl", "metrics.json", "iteration.json")) {
                assertTrue(Files.exists(d.resolve(f)), d.resolve(f) + " missing");
            }
        }
        assertTrue(Files.notExists(run.resolve("iterations/002.partial")));
        assertEquals(List.of(0, 1), stages.tunedAt, () -> "DPO after every iteration but the last: " + metrics);
        assertEquals(3, metrics.get("iterations").size());
        assertEquals("level-0", metrics.get("iterations").get(0).path("lm").path("ref").asText());
        assertEquals("level-2", metrics.get("iterations").get(2).path("lm").path("ref").asText());
        assertTrue(metrics.get("final").path("test_rows").asLong() > 0);
        assertTrue(Files.exists(run.resolve("final/latent")));
        ObjectMapper m = new ObjectMapper();
        JsonNode onDisk = m.readTree(run.resolve("metrics.json").toFile());
        assertEquals(List.of(), SchemaValidation.errors("metrics.schema.json", onDisk));
        assertEquals(List.of(), SchemaValidation.errors("state.schema.json", m.readTree(run.resolve("state.json")
                .toFile())));
        for (JsonNode it : onDisk.get("iterations")) {
            assertEquals(List.of(), SchemaValidation.errors("iteration-metrics.schema.json", it));
        }
        // pairs whose chosen anomaly was kept from an earlier iteration still carry the prompt that produced it
        for (String it : List.of("001", "002")) {
            List<String> lines = Files.readAllLines(run.resolve("iterations").resolve(it).resolve("pairs.trl.jsonl"));
            assertFalse(lines.isEmpty(), it);
            for (String line : lines) {
                assertEquals(List.of(), SchemaValidation.errors("pairs.trl.schema.json", m.readTree(line)), line);
                // the completions are single descriptions: so is what the prompt asks for
                assertTrue(m.readTree(line).path("prompt").asText().startsWith("Please generate one new sentence"),
                        line);
            }
        }
        // hard fraction of the set rises as the fake LM moves towards the normals (replace mode keeps the size)
        JsonNode its = onDisk.get("iterations");
        assertEquals(its.get(0).path("anomaly_set").path("size").asLong(),
                its.get(2).path("anomaly_set").path("size").asLong());
        assertTrue(its.get(2).path("anomaly_set").path("hard_fraction").asDouble()
                > its.get(0).path("anomaly_set").path("hard_fraction").asDouble(), its.toString());
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ObjectNode straight = KkaLoop.of(cfg(a, 2), samples -> new FakeStages(spark)).run(spark, false, Integer.MAX_VALUE);
        KkaLoop.of(cfg(b, 2), samples -> new FakeStages(spark)).run(spark, false, 0);
        assertTrue(Files.exists(b.resolve("iterations/000")));
        assertTrue(Files.notExists(b.resolve("iterations/001")));
        // simulate a crash inside iteration 1: a partial directory is left behind
        Files.createDirectories(b.resolve("iterations/001.partial/prompts"));
        ObjectNode resumed = KkaLoop.of(cfg(b, 2), samples -> new FakeStages(spark)).run(spark, true, Integer.MAX_VALUE);
        for (int t = 0; t <= 2; t++) {
            JsonNode x = straight.get("iterations").get(t);
            JsonNode y = resumed.get("iterations").get(t);
            assertEquals(x.get("anomaly_set"), y.get("anomaly_set"));
            // the fake evaluator's mean is a Spark avg: its partial sums merge in shuffle-fetch order
            RunComparison.assertClose(x.get("threshold"), y.get("threshold"), "iteration " + t + " threshold");
            assertEquals(x.get("generation"), y.get("generation"));
        }
        RunComparison.assertClose(straight.get("final").get("auroc"), resumed.get("final").get("auroc"),
                "final auroc");
    }

    @Test
    void refusesToOverwriteOrToResumeWithAnotherConfig(@TempDir Path dir) {
        Path run = dir.resolve("run");
        KkaLoop.of(cfg(run, 1), samples -> new FakeStages(spark)).run(spark, false, 0);
        InvalidInputException fresh = assertThrows(InvalidInputException.class,
                () -> KkaLoop.of(cfg(run, 1), samples -> new FakeStages(spark)).run(spark, false, 0));
        assertTrue(fresh.getMessage().contains("already holds a run"), fresh.getMessage());
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> KkaLoop.of(cfg(run, 1, "run.seed=99"), samples -> new FakeStages(spark)).run(spark, true, 0));
        assertTrue(other.getMessage().contains("was started with a different config"), other.getMessage());
        // extending the number of iterations is allowed
        KkaLoop.of(cfg(run, 2), samples -> new FakeStages(spark)).run(spark, true, 1);
        assertTrue(Files.exists(run.resolve("iterations/001")));
    }
}
