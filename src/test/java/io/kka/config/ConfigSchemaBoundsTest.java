package io.kka.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The config's JSON Schema carries the bounds the loader enforces: every numeric bound in the schema is refused by
 * the loader just past it, and accepted at an allowed value, so a schema-valid file never fails a range check.
 */
class ConfigSchemaBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Bound(String key, String keyword, double value, boolean integer) {
    }

    private static void collect(JsonNode schema, String path, List<Bound> out) {
        JsonNode props = schema.get("properties");
        if (props == null) {
            return;
        }
        props.fields().forEachRemaining(e -> {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode p = e.getValue();
            boolean integer = p.path("type").asText("").equals("integer");
            for (String kw : List.of("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")) {
                if (p.has(kw)) {
                    out.add(new Bound(key, kw, p.get(kw).asDouble(), integer));
                }
            }
            collect(p, key, out);
        });
    }

    private static String literal(double v, boolean integer) {
        return integer ? Long.toString((long) v) : Double.toString(v);
    }

    @Test
    void everySchemaBoundIsTheLoadersOwn() throws Exception {
        JsonNode schema = JSON.readTree(ConfigPrinter.jsonSchema(JobConfig.class));
        List<Bound> bounds = new ArrayList<>();
        collect(schema, "", bounds);
        assertTrue(bounds.size() >= 60, "expected the config's range checks in the schema, found " + bounds.size());
        List<String> notEnforced = new ArrayList<>();
        for (Bound b : bounds) {
            double step = b.integer() ? 1 : Math.max(1e-6, Math.abs(b.value()) * 1e-3);
            double outside = switch (b.keyword()) {
                case "minimum" -> b.value() - step;
                case "exclusiveMinimum" -> b.value();
                case "maximum" -> b.value() + step;
                default -> b.value();
            };
            String set = b.key() + "=" + literal(outside, b.integer());
            try {
                ConfigLoader.parse("", "test.yaml", List.of(set));
                notEnforced.add(set);
            } catch (ConfigErrors e) {
                String leaf = b.key().substring(b.key().lastIndexOf('.') + 1);
                if (!e.getMessage().contains(leaf)) {
                    notEnforced.add(set + " (refused for another reason: " + e.getMessage() + ")");
                }
            }
        }
        assertEquals(List.of(), notEnforced, "schema bounds the loader does not enforce");
    }

    @Test
    void requiredValuesAreNotNullableAndEnumsAreListed() throws Exception {
        JsonNode schema = JSON.readTree(ConfigPrinter.jsonSchema(JobConfig.class));
        JsonNode eval = schema.at("/properties/evaluator/properties");
        assertEquals("integer", eval.at("/epochs/type").asText());
        assertEquals(1, eval.at("/epochs/minimum").asInt());
        assertEquals(0, eval.at("/eta/exclusiveMinimum").asInt());
        assertEquals(List.of("deep-sad", "simplenet", "mahalanobis"), JSON.convertValue(eval.at("/kind/enum"),
                List.class));
        var e = assertThrows(ConfigErrors.class, () -> ConfigLoader.parse("", "t.yaml",
                List.of("evaluator.kind=patchcore")));
        assertTrue(e.getMessage().contains("evaluator.kind"), e.getMessage());
    }
}
