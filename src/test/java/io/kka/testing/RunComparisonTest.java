package io.kka.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Tests for {@link RunComparison}: tolerant on float noise, strict on decisions. */
class RunComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void theThresholdsOfTheFailedCiRunAreTheSameAndARealChangeIsNot() throws Exception {
        // the two values of the CI failure: exact comparison called them different
        JsonNode a = json("{\"rule\":\"max\",\"value\":0.678625146332367,\"val_normals\":6}");
        JsonNode b = json("{\"rule\":\"max\",\"value\":0.6786251653534445,\"val_normals\":6}");
        assertNotEquals(a, b);
        assertDoesNotThrow(() -> RunComparison.assertClose(a, b, "threshold"));
        JsonNode moved = json("{\"rule\":\"max\",\"value\":0.6787,\"val_normals\":6}");
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> RunComparison.assertClose(a, moved, "threshold"));
        assertTrue(e.getMessage().contains("threshold.value"), e.getMessage());
    }

    @Test
    void countsStringsAndShapesMustBeEqual() throws Exception {
        JsonNode a = json("{\"size\":18,\"hard\":3,\"rule\":\"max\",\"per_class\":[1.0,0.5]}");
        assertThrows(AssertionFailedError.class, () -> RunComparison.assertClose(a,
                json("{\"size\":18,\"hard\":4,\"rule\":\"max\",\"per_class\":[1.0,0.5]}"), "set"));
        assertThrows(AssertionFailedError.class, () -> RunComparison.assertClose(a,
                json("{\"size\":18,\"hard\":3,\"rule\":\"quantile\",\"per_class\":[1.0,0.5]}"), "set"));
        assertThrows(AssertionFailedError.class, () -> RunComparison.assertClose(a,
                json("{\"size\":18,\"hard\":3,\"rule\":\"max\",\"per_class\":[1.0]}"), "set"));
        assertThrows(AssertionFailedError.class, () -> RunComparison.assertClose(a,
                json("{\"size\":18,\"hard\":3,\"rule\":\"max\",\"per_class\":[1.0,0.5],\"extra\":1}"), "set"));
        assertDoesNotThrow(() -> RunComparison.assertClose(a, a.deepCopy(), "set"));
    }

    @Test
    void closeIsRelativeAwayFromZeroAndAbsoluteNearIt() {
        assertTrue(RunComparison.close(1000.0, 1000.0 * (1 + 5e-6)));
        assertFalse(RunComparison.close(1000.0, 1000.0 * (1 + 5e-5)));
        assertTrue(RunComparison.close(0.0, 1e-10));
        assertFalse(RunComparison.close(0.0, 1e-6));
        assertTrue(RunComparison.close(Double.NaN, Double.NaN));
        assertFalse(RunComparison.close(Double.NaN, 0.0));
    }
}
