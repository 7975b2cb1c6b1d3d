package io.kka.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a config record as YAML with every default filled in, the exact inverse of {@link ConfigBinder}.
 * Secrets appear only as their references ({@code env:NAME}); their values are never read here. Also renders the
 * Markdown configuration reference from the {@link Doc} annotations.
 */
public final class ConfigPrinter {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigPrinter() {
    }

    /** @return the record as a tree of maps, lists and scalars (YAML names) */
    public static Object toTree(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof SecretRef s) {
            return s.ref();
        }
        if (value instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                out.put(ConfigBinder.Names.snake(c.getName()), toTree(ConfigBinder.accessor(c, r)));
            }
            return out;
        }
        if (value instanceof Enum<?> e) {
            return ConfigBinder.Names.wire(e);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(toTree(v)));
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), toTree(v)));
            return out;
        }
        return value;
    }

    /** @return the effective config as YAML */
    public static String yaml(Object config) {
        try {
            return YAML.writeValueAsString(toTree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the effective config as one line of JSON (for provenance and logs) */
    public static String json(Object config) {
        try {
            return JSON.writeValueAsString(toTree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the Markdown reference table of every key of {@code root}, with type, default and meaning */
    public static String reference(Class<? extends Record> root) {
        StringBuilder sb = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        appendReference(sb, root, ConfigBinder.defaults(root), "");
        return sb.toString();
    }

    private static void appendReference(StringBuilder sb, Class<?> type, Object defaults, String path) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = (path.isEmpty() ? "" : path + ".") + ConfigBinder.Names.snake(c.getName());
            Object def = defaults == null ? null : ConfigBinder.accessor(c, defaults);
            Class<?> raw = c.getType();
            Doc doc = c.getAnnotation(Doc.class);
            if (Record.class.isAssignableFrom(raw) && raw != SecretRef.class) {
                appendReference(sb, raw, def, key);
                continue;
            }
            sb.append("| `").append(key).append("` | ").append(typeName(c.getGenericType())).append(" | ")
                    .append(def == null ? "" : "`" + cell(JSON_or_text(toTree(def))) + "`").append(" | ")
                    .append(doc == null ? "" : cell(doc.value())).append(" |\n");
        }
    }

    /**
     * The JSON Schema of the config file, generated from the records: every key optional (defaults fill in),
     * unknown keys rejected, enums listed, secrets as env:/file: references. {@code data-schemas/config.schema.json}
     * is this output; a test keeps them equal.
     *
     * @param root the root config record
     * @return the schema as pretty-printed JSON
     */
    public static String jsonSchema(Class<? extends Record> root) {
        Object[] defaults = new Object[1];
        // the bounds each record's compact constructor checks while the defaults are built: the loader's own rules
        Map<Class<?>, Map<String, Map<String, Object>>> bounds = Check.recording(() ->
                defaults[0] = ConfigBinder.defaults(root));
        com.fasterxml.jackson.databind.node.ObjectNode s = schemaOf(root, defaults[0], bounds);
        s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        s.put("$id", "https://kka.io/schemas/config.schema.json");
        s.put("title", "KKA job config (YAML; see README, Configuration reference)");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode schemaOf(Class<?> type, Object defaults,
            Map<Class<?>, Map<String, Map<String, Object>>> bounds) {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        o.put("type", "object");
        o.put("additionalProperties", false);
        com.fasterxml.jackson.databind.node.ObjectNode props = o.putObject("properties");
        for (RecordComponent c : type.getRecordComponents()) {
            Object def = defaults == null ? null : ConfigBinder.accessor(c, defaults);
            Doc doc = c.getAnnotation(Doc.class);
            com.fasterxml.jackson.databind.node.ObjectNode p = typeSchema(c.getGenericType(), def, bounds);
            String key = ConfigBinder.Names.snake(c.getName());
            bound(p, bounds.getOrDefault(type, Map.of()).getOrDefault(key, Map.of()));
            if (doc != null) {
                p.put("description", doc.value());
            }
            props.set(key, p);
        }
        return o;
    }

    /** Adds the recorded check keywords of one property to its schema. */
    private static void bound(com.fasterxml.jackson.databind.node.ObjectNode p, Map<String, Object> keywords) {
        boolean integer = p.path("type").asText("").equals("integer") || (p.path("type").isArray()
                && p.get("type").get(0).asText().equals("integer"));
        for (Map.Entry<String, Object> e : keywords.entrySet()) {
            Number n = e.getValue() instanceof Number v ? v : null;
            switch (e.getKey()) {
                case "notNull" -> {
                    if (p.path("type").isArray()) {
                        p.put("type", p.get("type").get(0).asText());
                    }
                }
                case "itemsMinimum" -> ((com.fasterxml.jackson.databind.node.ObjectNode) p.get("items"))
                        .put("minimum", n.longValue());
                default -> {
                    if (integer || n.doubleValue() == Math.rint(n.doubleValue()) && !(n instanceof Double)) {
                        p.put(e.getKey(), n.longValue());
                    } else {
                        p.put(e.getKey(), n.doubleValue());
                    }
                }
            }
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode typeSchema(Type t, Object def,
            Map<Class<?>, Map<String, Map<String, Object>>> bounds) {
        Class<?> raw = ConfigBinder.rawClass(t);
        com.fasterxml.jackson.databind.node.ObjectNode p = JSON.createObjectNode();
        if (raw == SecretRef.class) {
            p.putArray("type").add("string").add("null");
            p.put("pattern", "^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$");
            return p;
        }
        if (Record.class.isAssignableFrom(raw)) {
            return schemaOf(raw, def, bounds);
        }
        if (raw.isEnum()) {
            var e = p.putArray("enum");
            for (Object c : raw.getEnumConstants()) {
                e.add(ConfigBinder.Names.wire((Enum<?>) c));
            }
        } else if (List.class.isAssignableFrom(raw)) {
            p.put("type", "array");
            p.set("items", typeSchema(((ParameterizedType) t).getActualTypeArguments()[0], null, bounds));
        } else if (Map.class.isAssignableFrom(raw)) {
            p.put("type", "object");
            p.set("additionalProperties", typeSchema(((ParameterizedType) t).getActualTypeArguments()[1], null,
                    bounds));
        } else {
            String name = switch (raw.getSimpleName()) {
                case "int", "Integer", "long", "Long" -> "integer";
                case "double", "Double" -> "number";
                case "boolean", "Boolean" -> "boolean";
                default -> "string";
            };
            if (raw.isPrimitive()) {
                p.put("type", name);
            } else {
                p.putArray("type").add(name).add("null");
            }
        }
        if (def != null) {
            p.set("default", JSON.valueToTree(toTree(def)));
        }
        return p;
    }

    private static String JSON_or_text(Object tree) {
        if (tree instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            return String.valueOf(tree);
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String typeName(Type t) {
        Class<?> raw = ConfigBinder.rawClass(t);
        if (raw.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object e : raw.getEnumConstants()) {
                names.add(ConfigBinder.Names.wire((Enum<?>) e));
            }
            return String.join(" \\| ", names);
        }
        if (raw == SecretRef.class) {
            return "secret ref";
        }
        if (t instanceof ParameterizedType p) {
            Type[] a = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return "list of " + typeName(a[0]);
            }
            return "map of " + typeName(a[1]);
        }
        return switch (raw.getSimpleName()) {
            case "int", "Integer", "long", "Long" -> "integer";
            case "double", "Double" -> "number";
            case "boolean", "Boolean" -> "boolean";
            default -> "string";
        };
    }
}
