package io.kka.config;

/**
 * An invalid configuration value: names the key, the rule it broke and the value found, in the form
 * {@code llm.concurrency must be >= 1, found 0}.
 *
 * <p>Records throw it from their compact constructors with a key relative to themselves; {@link ConfigBinder}
 * prefixes the path of the section, so the same record gives {@code concurrency must be >= 1, found 0} when built
 * in code and {@code llm.concurrency must be >= 1, found 0} when loaded from YAML.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String rule;
    private final String found;

    /**
     * @param key   the key, relative to the record that checks it (may contain dots for cross-section rules)
     * @param rule  the rule, phrased to follow the key ("must be >= 1")
     * @param found the offending value as it should be shown (already quoted or redacted where needed)
     */
    public ConfigException(String key, String rule, String found) {
        super(key + " " + rule + ", found " + found);
        this.key = key;
        this.rule = rule;
        this.found = found;
    }

    /** @return the key relative to the record that raised the error */
    public String key() {
        return key;
    }

    /** @return the rule that was broken */
    public String rule() {
        return rule;
    }

    /** @return the value that was found, as shown in the message */
    public String found() {
        return found;
    }

    /**
     * @param prefix a section path such as {@code llm}; empty for the root
     * @return the same error with the key prefixed by {@code prefix.}
     */
    public ConfigException withPrefix(String prefix) {
        return prefix.isEmpty() ? this : new ConfigException(prefix + "." + key, rule, found);
    }
}
