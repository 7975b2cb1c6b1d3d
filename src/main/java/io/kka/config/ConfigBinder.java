package io.kka.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a YAML tree onto immutable config records, collecting every error instead of stopping at the first.
 *
 * <p>Rules: a record's YAML keys are its component names in snake_case; a missing key takes the value of the
 * record's static {@code defaults()} instance; an unknown key is an error with a did-you-mean; values are converted
 * by the component type (primitives, String, enums by their lower-case-with-dashes name, {@link SecretRef}, lists,
 * string-keyed maps, nested records); the record's compact constructor then validates, and its
 * {@link ConfigException} gets the section path as prefix.
 */
public final class ConfigBinder {
    private final List<String> errors = new ArrayList<>();

    /** @return the errors collected so far, each one line naming key, rule and value */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /**
     * @param node the YAML node of this section (null or missing means all defaults)
     * @param type the record type
     * @param path the dotted path of the section, empty for the root
     * @param <T>  record type
     * @return the bound record, or null if it had errors (which are collected)
     */
    public <T extends Record> T bind(JsonNode node, Class<T> type, String path) {
        return bind(node, type, defaults(type), path);
    }

    private <T extends Record> T bind(JsonNode node, Class<T> type, T defaults, String path) {
        if (node != null && !node.isNull() && !node.isObject()) {
            errors.add(display(path) + " must be a mapping of keys, found " + describe(node));
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            byKey.put(Names.snake(c.getName()), c);
        }
        if (node != null && node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!byKey.containsKey(key)) {
                    errors.add(join(path, key) + " is not a known key" + Names.didYouMean(key, byKey.keySet()));
                }
            }
        }
        int before = errors.size();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String key = Names.snake(c.getName());
            Object fallback = defaults == null ? null : accessor(c, defaults);
            JsonNode child = node == null ? null : node.get(key);
            args[i] = child == null ? fallback : convert(child, c.getGenericType(), fallback, join(path, key));
        }
        if (errors.size() > before) {
            return null;
        }
        try {
            return construct(type, components, args);
        } catch (ConfigException e) {
            errors.add(e.withPrefix(path).getMessage());
            return null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object convert(JsonNode node, Type type, Object fallback, String path) {
        Class<?> raw = rawClass(type);
        if (node.isNull()) {
            if (raw.isPrimitive()) {
                errors.add(path + " must be set, found null");
            }
            return null;
        }
        try {
            if (raw == SecretRef.class) {
                String text = scalar(node, path, "a secret reference").asText();
                try {
                    return SecretRef.ofNullable(text);
                } catch (ConfigException e) {
                    errors.add(path + " " + e.rule() + ", found " + e.found());
                    return null;
                }
            }
            if (Record.class.isAssignableFrom(raw)) {
                Class<? extends Record> rt = (Class<? extends Record>) raw;
                Record base = fallback != null ? (Record) fallback : defaults(rt);
                return bindUnchecked(node, rt, base, path);
            }
            if (raw == String.class) {
                return scalar(node, path, "a string").asText();
            }
            if (raw == int.class || raw == Integer.class) {
                JsonNode n = scalar(node, path, "an integer");
                if (!n.canConvertToInt() || !(n.isIntegralNumber() || isIntegralText(n))) {
                    throw new Mismatch("an integer");
                }
                return n.isNumber() ? n.intValue() : Integer.parseInt(n.asText().trim());
            }
            if (raw == long.class || raw == Long.class) {
                JsonNode n = scalar(node, path, "an integer");
                if (!(n.isIntegralNumber() || isIntegralText(n))) {
                    throw new Mismatch("an integer");
                }
                return n.isNumber() ? n.longValue() : Long.parseLong(n.asText().trim());
            }
            if (raw == double.class || raw == Double.class) {
                JsonNode n = scalar(node, path, "a number");
                if (n.isNumber()) {
                    return n.doubleValue();
                }
                try {
                    return Double.parseDouble(n.asText().trim());
                } catch (NumberFormatException e) {
                    throw new Mismatch("a number");
                }
            }
            if (raw == boolean.class || raw == Boolean.class) {
                JsonNode n = scalar(node, path, "true or false");
                if (n.isBoolean()) {
                    return n.booleanValue();
                }
                String t = n.asText().trim().toLowerCase(Locale.ROOT);
                if (t.equals("true") || t.equals("false")) {
                    return Boolean.parseBoolean(t);
                }
                throw new Mismatch("true or false");
            }
            if (raw.isEnum()) {
                String text = scalar(node, path, "a name").asText().trim();
                for (Object constant : raw.getEnumConstants()) {
                    if (Names.wire((Enum<?>) constant).equals(text.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                        return constant;
                    }
                }
                List<String> allowed = Arrays.stream(raw.getEnumConstants()).map(e -> Names.wire((Enum<?>) e)).toList();
                errors.add(path + " must be one of " + allowed + ", found '" + text + "'");
                return null;
            }
            if (List.class.isAssignableFrom(raw)) {
                Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
                if (!node.isArray()) {
                    // a single scalar is accepted as a one-element list: normal_classes: 3
                    if (node.isValueNode()) {
                        return List.of(convert(node, element, null, path + "[0]"));
                    }
                    throw new Mismatch("a list");
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    out.add(convert(node.get(i), element, null, path + "[" + i + "]"));
                }
                return List.copyOf(out.stream().filter(o -> o != null).toList());
            }
            if (Map.class.isAssignableFrom(raw)) {
                Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
                if (!node.isObject()) {
                    throw new Mismatch("a mapping");
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.put(e.getKey(), convert(e.getValue(), value, null, path + "." + e.getKey()));
                }
                return java.util.Collections.unmodifiableMap(out);
            }
        } catch (Mismatch m) {
            errors.add(path + " must be " + m.getMessage() + ", found " + describe(node));
            return null;
        }
        throw new IllegalStateException("unsupported config type " + type + " at " + path);
    }

    @SuppressWarnings("unchecked")
    private <T extends Record> T bindUnchecked(JsonNode node, Class<T> type, Record base, String path) {
        return bind(node, type, (T) base, path);
    }

    private static boolean isIntegralText(JsonNode n) {
        return n.isTextual() && n.asText().trim().matches("[-+]?\\d+");
    }

    private static JsonNode scalar(JsonNode node, String path, String what) {
        if (!node.isValueNode()) {
            throw new Mismatch(what);
        }
        return node;
    }

    private static String describe(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        return switch (t) {
            case OBJECT -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "'" + node.asText() + "'";
            default -> node.toString();
        };
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String display(String path) {
        return path.isEmpty() ? "the config file" : path;
    }

    /**
     * @param type a config record type with a static {@code defaults()} method
     * @param <T>  the type
     * @return its defaults
     */
    public static <T extends Record> T defaults(Class<T> type) {
        try {
            Method m = type.getDeclaredMethod("defaults");
            return type.cast(m.invoke(null));
        } catch (NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(type + ".defaults() is not accessible", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(type + ".defaults() failed", e.getCause());
        }
    }

    static Object accessor(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    private static <T extends Record> T construct(Class<T> type, RecordComponent[] components, Object[] args) {
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<T> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type, e);
        }
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }

    /** Naming rules shared by the binder, the printer and the reference. */
    public static final class Names {
        private Names() {
        }

        /** @return {@code batchSizePerWorker} as {@code batch_size_per_worker}, {@code pricePer1kInput} as
         *     {@code price_per_1k_input} */
        public static String snake(String camel) {
            StringBuilder sb = new StringBuilder();
            char prev = 0;
            for (char ch : camel.toCharArray()) {
                if (Character.isUpperCase(ch)) {
                    sb.append('_').append(Character.toLowerCase(ch));
                } else if (Character.isDigit(ch) && Character.isLetter(prev)) {
                    sb.append('_').append(ch);  // pricePer1kInput → price_per_1k_input
                } else {
                    sb.append(ch);
                }
                prev = ch;
            }
            return sb.toString();
        }

        /** @return an enum constant's YAML name: {@code FASHION_MNIST} as {@code fashion-mnist} */
        public static String wire(Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** @return " (did you mean 'x'?)" for the closest candidate, or the list of valid keys */
        public static String didYouMean(String key, java.util.Collection<String> candidates) {
            String best = candidates.stream()
                    .min(Comparator.comparingInt(c -> distance(key, c)))
                    .orElse(null);
            if (best != null && distance(key, best) <= Math.max(2, key.length() / 3)) {
                return " (did you mean '" + best + "'?)";
            }
            return "; valid keys: " + String.join(", ", candidates);
        }

        static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }

    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String expected) {
            super(expected, null, false, false);
        }
    }
}
