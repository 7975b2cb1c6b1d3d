package io.kka.config;

import java.util.List;

/** Every error found while loading a config file; the CLI prints them one per line and exits with 2. */
public final class ConfigErrors extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    /**
     * @param origin the file the errors come from
     * @param errors one line per error, each naming key, rule and value
     */
    public ConfigErrors(String origin, List<String> errors) {
        super(errors.size() == 1 ? errors.get(0)
                : origin + " has " + errors.size() + " errors:\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    /** @return the individual errors */
    public List<String> errors() {
        return errors;
    }
}
