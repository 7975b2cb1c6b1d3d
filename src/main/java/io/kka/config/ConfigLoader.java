package io.kka.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads {@link JobConfig} from one YAML file plus {@code key=value} overrides ({@code --set run.iterations=2}).
 * Every problem is collected and reported together by {@link ConfigErrors}.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /**
     * @param file      the YAML file
     * @param overrides {@code dotted.key=value} strings; the value is parsed as YAML ({@code [1, 2]} is a list)
     * @return the validated config
     * @throws ConfigErrors with every error found
     */
    public static JobConfig load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigErrors(file.toString(), List.of("config file does not exist: " + file));
        } catch (IOException e) {
            throw new ConfigErrors(file.toString(), List.of("cannot read config file " + file + ": " + e));
        }
        return parse(text, file.toString(), overrides);
    }

    /**
     * @param yaml      YAML text
     * @param origin    where it came from, for messages
     * @param overrides {@code dotted.key=value} overrides
     * @return the validated config
     * @throws ConfigErrors with every error found
     */
    public static JobConfig parse(String yaml, String origin, List<String> overrides) {
        JsonNode root;
        try {
            root = yaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigErrors(origin, List.of(origin + " is not valid YAML" + where + ": " + e.getOriginalMessage()));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigErrors(origin, List.of(origin + " must hold a mapping of sections at the top level"));
        }
        List<String> overrideErrors = new java.util.ArrayList<>();
        for (String o : overrides) {
            applyOverride((ObjectNode) root, o, overrideErrors);
        }
        ConfigBinder binder = new ConfigBinder();
        JobConfig cfg = binder.bind(root, JobConfig.class, "");
        List<String> errors = new java.util.ArrayList<>(overrideErrors);
        errors.addAll(binder.errors());
        if (!errors.isEmpty() || cfg == null) {
            throw new ConfigErrors(origin, errors);
        }
        return cfg;
    }

    private static void applyOverride(ObjectNode root, String override, List<String> errors) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            errors.add("--set " + override + " must have the form key=value");
            return;
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            String raw = override.substring(eq + 1);
            value = raw.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(raw);
            if (value == null || value.isMissingNode()) {
                value = YAML.getNodeFactory().nullNode();
            }
        } catch (JsonProcessingException e) {
            value = YAML.getNodeFactory().textNode(override.substring(eq + 1));
        }
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(path[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value);
    }
}
