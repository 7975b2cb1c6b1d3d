package io.kka.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.JobConfig;
import io.kka.testing.Cli;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench detectors/train commands: registration, options and the reference-protocol defaults. */
class BenchCommandsTest {

    @Test
    void registeredWithHelp() {
        Cli.Run h = Cli.kka("bench", "detectors", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--max-test-per-class"), h.out());
        Cli.Run t = Cli.kka("bench", "train", "--help");
        assertEquals(0, t.code());
        assertTrue(t.out().contains("--stats"), t.out());
    }

    @Test
    void rejectsUnsupportedDatasetAndMissingOption() {
        Cli.Run r = Cli.kka("bench", "detectors", "--dataset", "cifar10");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("only fashion-mnist is supported"), r.err());
        assertEquals(2, Cli.kka("bench", "detectors").code());
    }

    @Test
    void defaultsAreTheReferenceProtocolAndShorthandsOverrideThem() {
        JobConfig ref = BenchDetectorsCommand.config(null, List.of(), List.of());
        assertEquals(150, ref.evaluator().epochs());
        assertEquals(1e-4, ref.evaluator().learningRate());
        assertEquals(List.of(50), ref.evaluator().milestones());
        assertEquals(128, ref.evaluator().batchSizePerWorker());
        assertEquals(0.5e-6, ref.evaluator().weightDecay());
        assertTrue(ref.evaluator().pretrain().enabled());
        assertEquals(150, ref.evaluator().pretrain().epochs());
        JobConfig mine = BenchDetectorsCommand.config(null, List.of("evaluator.averaging_frequency=7"),
                List.of("evaluator.epochs=3"));
        assertEquals(3, mine.evaluator().epochs());
        assertEquals(7, mine.evaluator().averagingFrequency());
    }
}
