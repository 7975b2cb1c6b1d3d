package io.kka.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.testing.SchemaValidation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** Keeps {@link SampleSchema}, {@link Columns} and data-schemas/samples.schema.json in sync. */
class SampleSchemaTest {

    @Test
    void jsonSchemaListsExactlyTheSparkColumns() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(SchemaValidation.projectDir()
                .resolve("data-schemas/samples.schema.json").toFile());
        List<String> json = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(json::add);
        List<String> spark = new ArrayList<>();
        for (StructField f : SampleSchema.SCHEMA.fields()) {
            spark.add(f.name());
            if (!f.nullable()) {
                boolean required = false;
                for (JsonNode r : schema.get("required")) {
                    required |= r.asText().equals(f.name());
                }
                assertTrue(required, f.name() + " is non-nullable in Spark but not required in JSON Schema");
            }
        }
        assertEquals(new TreeSet<>(spark), new TreeSet<>(json));
    }

    @Test
    void columnsConstantsMatchSchema() throws Exception {
        List<String> constants = new ArrayList<>();
        for (Field f : Columns.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                constants.add((String) f.get(null));
            }
        }
        assertEquals(new TreeSet<>(List.of(SampleSchema.SCHEMA.fieldNames())), new TreeSet<>(constants));
    }
}
