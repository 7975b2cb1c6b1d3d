package io.kka.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Validates real outputs against the JSON Schemas in {@code data-schemas/}. */
public final class SchemaValidation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaValidation() {
    }

    /** @return the project directory (surefire passes it; else the working directory) */
    public static Path projectDir() {
        return Path.of(System.getProperty("kka.project.dir", "."));
    }

    /** @return the schema {@code data-schemas/<name>} */
    public static JsonSchema schema(String name) throws IOException {
        // schemas refer to each other by their https://kka.io/schemas/ ids: resolve those to the local files
        // (this validator version maps whole URIs, not prefixes, so map every file)
        Path dir = projectDir().toAbsolutePath().resolve("data-schemas");
        java.util.Map<String, String> mappings = new java.util.HashMap<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".schema.json")).forEach(f -> mappings.put(
                    "https://kka.io/schemas/" + f.getFileName(), f.toUri().toString()));
        }
        JsonSchemaFactory factory = JsonSchemaFactory.builder(
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .addUriMappings(mappings).build();
        try (InputStream in = Files.newInputStream(projectDir().resolve("data-schemas").resolve(name))) {
            return factory.getSchema(in);
        }
    }

    /**
     * @param name schema file name
     * @param doc  a JSON document
     * @return the validation errors (empty when valid)
     */
    public static List<String> errors(String name, JsonNode doc) throws IOException {
        Set<ValidationMessage> msgs = schema(name).validate(doc);
        List<String> out = new ArrayList<>();
        msgs.forEach(m -> out.add(m.getMessage()));
        return out;
    }

    /**
     * Validates up to {@code max} rows of a frame (rendered as JSON by Spark, nulls kept).
     *
     * @return the validation errors, prefixed with the row's sample_id or index
     */
    public static List<String> rowErrors(String name, Dataset<Row> df, int max) throws IOException {
        JsonSchema schema = schema(name);
        List<String> out = new ArrayList<>();
        int i = 0;
        Dataset<String> json = df.sparkSession().conf().get("spark.sql.jsonGenerator.ignoreNullFields", "true")
                .equals("true") ? withNulls(df) : df.toJSON();
        for (String line : json.limit(max).collectAsList()) {
            JsonNode doc = JSON.readTree(line);
            for (ValidationMessage m : schema.validate(doc)) {
                out.add("row " + i + ": " + m.getMessage());
            }
            i++;
        }
        return out;
    }

    private static Dataset<String> withNulls(Dataset<Row> df) {
        df.sparkSession().conf().set("spark.sql.jsonGenerator.ignoreNullFields", "false");
        try {
            return df.toJSON().cache();
        } finally {
            df.sparkSession().conf().set("spark.sql.jsonGenerator.ignoreNullFields", "true");
        }
    }
}
