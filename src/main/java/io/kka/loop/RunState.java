package io.kka.loop;

import java.util.List;
import java.util.Objects;

/**
 * {@code state.json} (data-schemas/state.schema.json): rewritten after each commit.
 *
 * @param version               format version (1)
 * @param runDir                the run directory
 * @param lastCompleteIteration the last committed iteration
 * @param provenance            the run's provenance
 * @param iterations            the records of iterations 0..last
 */
public record RunState(int version, String runDir, int lastCompleteIteration, Provenance provenance,
        List<IterationRecord> iterations) {
    /** Validates. */
    public RunState {
        Objects.requireNonNull(runDir, "run_dir");
        Objects.requireNonNull(provenance, "provenance");
        iterations = List.copyOf(Objects.requireNonNull(iterations, "iterations"));
    }
}
