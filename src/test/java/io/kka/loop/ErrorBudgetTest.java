package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kka.generate.GenerationSchemas;
import io.kka.testing.SparkTestSession;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The per-stage error budget that stops an iteration of (almost) only error rows before it is committed. */
class ErrorBudgetTest {

    private static Dataset<Row> descriptions() {
        Row none = RowFactory.create(0, 0, 0L, 0L, 0, false, 0.0);
        Row err = RowFactory.create("describe", 401, "HTTP 401: Incorrect API key provided", 1);
        List<Row> rows = List.of(
                RowFactory.create("d1", "p1", 0, "a beret with a burn mark", "llm", 1L, none, null),
                RowFactory.create("e2", "p2", 0, null, "llm", 2L, none, err),
                RowFactory.create("e3", "p3", 0, null, "llm", 3L, none, err),
                RowFactory.create("e4", "p4", 0, null, "llm", 4L, none, err));
        return SparkTestSession.get().createDataFrame(rows, GenerationSchemas.DESCRIPTIONS);
    }

    @Test
    void aStageOverItsBudgetFailsTheIterationNamingTheFirstError() {
        Dataset<Row> d = descriptions();
        StageFailedException e = assertThrows(StageFailedException.class,
                () -> GenerateStep.budget("describe", "llm", OptionalDouble.of(0.5), 3, 4, d, 2));
        assertEquals("iteration 2, describe: 3 of 4 rows failed (75%, over llm.http.max_error_fraction 0.50);"
                + " nothing of this iteration is committed; first error: HTTP 401: Incorrect API key provided",
                e.getMessage());
        GenerateStep.budget("describe", "llm", OptionalDouble.of(0.8), 3, 4, d, 2);
        GenerateStep.budget("describe", "llm", OptionalDouble.empty(), 3, 4, d, 2); // the embedded stand-ins
    }
}
