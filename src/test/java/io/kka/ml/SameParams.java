package io.kka.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.testing.SparkTestSession;
import org.apache.spark.ml.param.Params;

/** Compares two stages' params (set and default, by their JSON encoding: arrays by value). */
final class SameParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SameParams() {
    }

    /** @return the stage's saved metadata without its timestamp */
    static String of(Params stage) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(StageIO.metadata(stage, SparkTestSession.get()));
        m.remove("timestamp");
        return m.toPrettyString();
    }

    static void assertSame(Params expected, Params actual) throws Exception {
        assertEquals(of(expected), of(actual));
    }
}
