package io.kka.generate;

import io.kka.config.ConfigException;
import io.kka.store.Fs;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * A prompt template of Eq. 3 (see {@code conf/prompts/README.md}): plain text with the variables
 * {@code {domain}}, {@code {examples}} and {@code {count}}. Other {@code {name}}s are rejected at load time;
 * braces that do not enclose a name (JSON, for instance) are kept as they are.
 */
public final class PromptTemplate implements Serializable {
    private static final long serialVersionUID = 1L;
    /** the variables a template may use */
    public static final Set<String> VARIABLES = Set.of("domain", "examples", "count");
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
    private final String name;
    private final String text;

    private PromptTemplate(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /**
     * @param name where the text came from, for messages
     * @param text the template
     * @return the checked template
     * @throws ConfigException (key llm.prompt_template) for an unknown variable or an empty template
     */
    public static PromptTemplate of(String name, String text) {
        return of("llm.prompt_template", name, text);
    }

    private static PromptTemplate of(String key, String name, String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(key, "must not be an empty file", name);
        }
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            if (!VARIABLES.contains(m.group(1))) {
                throw new ConfigException(key, "may use only the variables {domain}, {examples}"
                        + " and {count}", "{" + m.group(1) + "} in " + name);
            }
        }
        return new PromptTemplate(name, text);
    }

    /**
     * @param uri  a local path or Hadoop FS URI (read on the driver)
     * @param conf Hadoop configuration
     * @return the checked template
     * @throws ConfigException (key llm.prompt_template) when the file cannot be read or is invalid
     */
    public static PromptTemplate load(String uri, Configuration conf) {
        return load("llm.prompt_template", uri, conf);
    }

    /**
     * @param key  the config key that names the file, for messages
     * @param uri  a local path or Hadoop FS URI (read on the driver)
     * @param conf Hadoop configuration
     * @return the checked template
     * @throws ConfigException naming {@code key} when the file cannot be read or is invalid
     */
    public static PromptTemplate load(String key, String uri, Configuration conf) {
        String text;
        try {
            text = Fs.readShipped(uri, conf);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConfigException(key, "must name a readable template file",
                    uri + " (" + e.getClass().getSimpleName() + ")");
        }
        return of(key, uri, text);
    }

    /** @return where the template came from */
    public String name() {
        return name;
    }

    /** @return true if the template shows the examples */
    public boolean usesExamples() {
        return text.contains("{examples}");
    }

    /**
     * @param domain   the domain word, e.g. "flowers"
     * @param examples example captions, shown one per line as "- caption"
     * @param count    descriptions asked for
     * @return the filled prompt
     */
    public String fill(String domain, List<String> examples, int count) {
        StringBuilder ex = new StringBuilder();
        for (String e : examples) {
            ex.append(ex.length() == 0 ? "" : "\n").append("- ").append(e);
        }
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "domain" -> domain;
                case "examples" -> ex.toString();
                default -> String.valueOf(count);
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
