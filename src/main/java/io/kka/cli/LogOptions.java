package io.kka.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Global logging options, inherited by every command: {@code --log-format text|json} and {@code --quiet}.
 * They reconfigure the driver's Log4j 2 (Spark's logging backend) before the command runs.
 */
final class LogOptions {
    /** Log line formats. */
    enum Format {
        /** human-readable lines */
        text,
        /** one JSON object per line */
        json
    }

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json",
            description = "Driver log format: text (default) or json (one object per line, for Airflow/ELK).")
    void format(Format f) {
        apply(f, quiet);
        this.format = f;
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Only warnings and errors (no stage or progress lines).")
    void quiet(boolean q) {
        apply(format, q);
        this.quiet = q;
    }

    private Format format = Format.text;
    private boolean quiet;

    /** Applies the defaults (text, not quiet) unless the user configured Log4j 2 explicitly. */
    static void defaults() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            apply(Format.text, false);
        }
    }

    private static void apply(Format f, boolean quiet) {
        System.setProperty("kka.log.level", quiet ? "warn" : "info");
        URL url = LogOptions.class.getResource("/io/kka/log4j2-" + f.name() + ".properties");
        if (url == null) {
            return;
        }
        try {
            URI uri = url.toURI();
            Configurator.reconfigure(uri);
        } catch (URISyntaxException | RuntimeException e) {
            // logging setup must never stop the job
        }
    }
}
