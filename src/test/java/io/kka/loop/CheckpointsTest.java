package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Checkpoints}: what counts as committed when a rename is a copy (object stores). */
class CheckpointsTest {
    private static final Configuration CONF = new Configuration();

    private static Checkpoints at(Path run) {
        return Checkpoints.of(new RunLayout(run.toString()), CONF);
    }

    @Test
    void onlyMarkedIterationsAreCommitted(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("iterations/000"));
        Files.writeString(run.resolve("iterations/000/" + Checkpoints.MARKER), "iteration 0\n");
        // iteration 1 half-copied by an s3a rename that a killed driver never finished: no marker
        Files.createDirectories(run.resolve("iterations/001/evaluator"));
        Files.writeString(run.resolve("iterations/001/iteration.json"), "{}\n");
        Files.writeString(run.resolve("state.json"), "{\"last_complete_iteration\": 0}\n");
        assertEquals(0, at(run).lastComplete());
        Files.writeString(run.resolve("iterations/001/" + Checkpoints.MARKER), "iteration 1\n");
        assertEquals(1, at(run).lastComplete());
    }

    @Test
    void aRunWrittenBeforeMarkersIsReadThroughItsState(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("iterations/000"));
        Files.createDirectories(run.resolve("iterations/001"));
        Files.createDirectories(run.resolve("iterations/002"));
        Files.writeString(run.resolve("state.json"), "{\"last_complete_iteration\": 1}\n");
        assertEquals(1, at(run).lastComplete(), "002 appeared after the last state.json: not trusted");
    }

    @Test
    void aRunIsStartedByAnyTraceNotOnlyItsConfig(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("iterations/000"));
        Files.writeString(run.resolve("iterations/000/" + Checkpoints.MARKER), "iteration 0\n");
        JobConfig cfg = JobConfig.defaults();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> at(run).begin(cfg, Provenance.of(cfg, "test"), false));
        assertTrue(e.getMessage().startsWith("run.dir " + run + " already holds a run (last complete iteration 0)"),
                e.getMessage());
        assertEquals(1, at(run).begin(cfg, Provenance.of(cfg, "test"), true), "--resume continues after it");
    }

    @Test
    void aCommittedRecordWithoutAFieldIsAnErrorNamingItNeverAZero(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("iterations/000"));
        Files.writeString(run.resolve("iterations/000/" + Checkpoints.MARKER), "iteration 0\n");
        IterationRecord r = new IterationRecord(0, io.kka.tune.ModelRef.embedded("lm-initial"),
                io.kka.tune.ModelRef.embedded("iterations/000/lm"), 0.25, java.util.Map.of("max", 0.3), 0.5,
                java.util.Map.of(), 40, 0.125);
        Files.writeString(run.resolve("iterations/000/iteration.json"), Records.write(r));
        assertEquals(r, at(run).record(0), "round trip");
        String text = Records.write(r).replace("  \"threshold\" : 0.25,\n", "");
        assertTrue(!text.contains("\"threshold\" :"), text);
        Files.writeString(run.resolve("iterations/000/iteration.json"), text);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> at(run).record(0));
        assertTrue(e.getMessage().contains("iterations/000/iteration.json: not a valid IterationRecord")
                && e.getMessage().contains("'threshold'"), e.getMessage());
        Files.writeString(run.resolve("iterations/000/iteration.json"), Records.write(r)
                .replace("\"threshold\" : 0.25", "\"threshold\" : null"));
        e = assertThrows(IllegalStateException.class, () -> at(run).record(0));
        assertTrue(e.getMessage().contains("'threshold'"), e.getMessage());
    }

    /** A run resumes after a change to the settings of a detector kind it does not use, not after one to its own. */
    @Test
    void onlyTheConfiguredDetectorsSettingsEnterTheConfigHash() {
        String base = Provenance.configHash(io.kka.config.ConfigLoader.parse("", "test", java.util.List.of()));
        java.util.function.Function<String[], String> hash = sets -> Provenance.configHash(
                io.kka.config.ConfigLoader.parse("", "test", java.util.List.of(sets)));
        assertEquals(base, hash.apply(new String[] {"evaluator.simplenet.noise_std=0.5",
            "evaluator.mahalanobis.k=3"}));
        assertTrue(!base.equals(hash.apply(new String[] {"evaluator.epochs=7"})));
        String simplenet = hash.apply(new String[] {"evaluator.kind=simplenet"});
        assertTrue(!simplenet.equals(hash.apply(new String[] {"evaluator.kind=simplenet",
            "evaluator.simplenet.noise_std=0.5"})));
        assertEquals(simplenet, hash.apply(new String[] {"evaluator.kind=simplenet", "evaluator.mahalanobis.k=3"}));
    }
}
