package io.kka.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * A reference to a secret, never the secret itself: {@code env:NAME} (an environment variable) or
 * {@code file:PATH} (a file whose trimmed content is the secret, e.g. a mounted Kubernetes secret).
 *
 * <p>A relative {@code file:} path that does not exist in the working directory is looked up among the files shipped
 * with {@code spark-submit --files} ({@link SparkFiles}): on YARN they land in every container's working directory,
 * on other masters in the directory {@code SparkFiles} names. So {@code --files /secure/openai.key} with
 * {@code llm.api_key: file:openai.key} gives the driver and every executor the key without it ever appearing in a
 * command line, an environment listing or the Spark UI.
 *
 * <p>Literal values are rejected at load time, so a key pasted into YAML fails fast instead of being printed or
 * logged. The reference is safe to print; {@link #resolve()} returns a {@link Secret} whose {@code toString()} is
 * redacted.
 *
 * @param ref the reference, {@code env:NAME} or {@code file:PATH}
 */
public record SecretRef(String ref) implements Serializable {
    private static final Pattern ENV = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]*");

    /** Validates the form of the reference without reading it. */
    public SecretRef {
        if (ref == null || !(ENV.matcher(ref).matches() || (ref.startsWith("file:") && ref.length() > 5))) {
            throw new ConfigException("", "must be a secret reference env:NAME or file:PATH (literal secrets are"
                    + " not accepted)", ref == null ? "null" : "a literal value (redacted)");
        }
    }

    /**
     * @param value the YAML value
     * @return the reference, or null for null/empty input (no secret configured)
     */
    public static SecretRef ofNullable(String value) {
        return value == null || value.isBlank() ? null : new SecretRef(value.trim());
    }

    /** @return the secret's value, read now from the environment or the file */
    public Secret resolve() {
        return resolve(System::getenv);
    }

    /**
     * @param env how to read an environment variable (tests pass a map)
     * @return the secret's value
     * @throws ConfigException when the variable is unset or the file cannot be read
     */
    public Secret resolve(UnaryOperator<String> env) {
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String value = env.apply(name);
            if (value == null || value.isEmpty()) {
                throw new ConfigException(ref, "must name a set environment variable", "unset");
            }
            return new Secret(value);
        }
        Path path = Path.of(ref.substring(5));
        if (!path.isAbsolute() && !Files.exists(path) && SparkEnv.get() != null) {
            path = Path.of(SparkFiles.get(path.toString()));
        }
        try {
            return new Secret(Files.readString(path, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new ConfigException(ref, "must name a readable file", e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return ref;
    }

    /** A resolved secret. Its {@link #toString()} is redacted; only {@link #reveal()} gives the value. */
    public static final class Secret implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String value;

        Secret(String value) {
            this.value = value;
        }

        /** @return the secret value, for an Authorization header and nothing else */
        public String reveal() {
            return value;
        }

        @Override
        public String toString() {
            return "***";
        }
    }
}
