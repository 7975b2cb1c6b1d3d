package io.kka.loop;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kka.store.Fs;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Jackson for the run directory's JSON files (metrics.json, iteration.json, state.json): records with snake_case
 * names, written with every declared field (null ones too, unless the record says otherwise), read strictly: a
 * missing or null field of a record is an error naming the file and the field, never a silent 0.
 */
public final class Records {
    /** the mapper: snake_case, strict on missing and null creator properties */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // a newer version may add fields; only missing ones are errors
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Records() {
    }

    /** @return {@code value} as pretty JSON with a trailing newline */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes {@code value} to a Hadoop FS URI. */
    static void write(String uri, Object value, Configuration conf) {
        Fs.writeString(uri, write(value), conf);
    }

    /**
     * @param uri  a JSON file
     * @param type the record it holds
     * @param conf Hadoop configuration
     * @return the record
     * @throws IllegalStateException naming the file and the field when a field is missing, null or mistyped
     */
    public static <T> T read(String uri, Class<T> type, Configuration conf) {
        String text;
        try {
            text = Fs.readString(uri, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri, e);
        }
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(uri + ": not a valid " + type.getSimpleName() + field(e) + " ("
                    + e.getOriginalMessage().replace('\n', ' ') + "); the run directory was written by another"
                    + " version or damaged");
        }
    }

    /** @return " at field 'a.b'" for a mapping error with a path, else "" */
    private static String field(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException m) || m.getPath().isEmpty()) {
            return "";
        }
        return " at field '" + m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                : "[" + r.getIndex() + "]").collect(java.util.stream.Collectors.joining(".")) + "'";
    }
}
