package io.kka.loop;

import io.kka.tune.ModelRef;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kka.data.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Builders of the metrics.json objects (data-schemas/iteration-metrics.schema.json, metrics.schema.json). */
final class Metrics {
    static final ObjectMapper JSON = new ObjectMapper();

    private Metrics() {
    }

    /** @return a usage object with every counter at zero */
    static ObjectNode emptyUsage() {
        ObjectNode u = JSON.createObjectNode();
        for (String k : new String[] {"requests", "retries", "prompt_tokens", "completion_tokens", "images", "errors",
            "cached"}) {
            u.put(k, 0L);
        }
        u.put("cost", 0.0);
        return u;
    }

    /** Adds the usage and error counts of a frame with usage and error structs into {@code into}. */
    static void addUsage(ObjectNode into, Dataset<Row> rows) {
        Row r = rows.agg(
                sum(coalesce(col(Columns.USAGE + ".requests"), lit(0))),
                sum(coalesce(col(Columns.USAGE + ".retries"), lit(0))),
                sum(coalesce(col(Columns.USAGE + ".prompt_tokens"), lit(0L))),
                sum(coalesce(col(Columns.USAGE + ".completion_tokens"), lit(0L))),
                sum(coalesce(col(Columns.USAGE + ".images"), lit(0))),
                sum(when(col(Columns.USAGE + ".cached"), lit(1)).otherwise(lit(0))),
                sum(coalesce(col(Columns.USAGE + ".cost"), lit(0.0)))).first();
        into.put("requests", into.get("requests").asLong() + longAt(r, 0));
        into.put("retries", into.get("retries").asLong() + longAt(r, 1));
        into.put("prompt_tokens", into.get("prompt_tokens").asLong() + longAt(r, 2));
        into.put("completion_tokens", into.get("completion_tokens").asLong() + longAt(r, 3));
        into.put("images", into.get("images").asLong() + longAt(r, 4));
        into.put("cached", into.get("cached").asLong() + longAt(r, 5));
        into.put("cost", into.get("cost").asDouble() + (r.isNullAt(6) ? 0.0 : ((Number) r.get(6)).doubleValue()));
    }

    private static long longAt(Row r, int i) {
        return r.isNullAt(i) ? 0L : ((Number) r.get(i)).longValue();
    }

    /** @return a model object */
    static ObjectNode model(ModelRef m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", m.kind());
        o.put("ref", m.ref());
        return o;
    }

    /** @return the model of a model object */
    static ModelRef model(com.fasterxml.jackson.databind.JsonNode o) {
        return new ModelRef(o.path("kind").asText(), o.path("ref").asText());
    }

    /** @return the evaluation object of metrics.json, or null when nothing was measured */
    static ObjectNode evaluation(java.util.Optional<Evaluation> e) {
        return e.<ObjectNode>map(Records.JSON::valueToTree).orElse(null);
    }

    /** @return the fraction a / (a + b), 0 when both are 0 */
    static double fraction(long a, long b) {
        return a + b == 0 ? 0.0 : (double) a / (a + b);
    }
}
