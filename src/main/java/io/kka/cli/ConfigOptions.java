package io.kka.cli;

import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The config file and its overrides, shared by every command that reads a config. */
final class ConfigOptions {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config file (see conf/kka.yaml).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one config key, e.g. --set run.iterations=2 (repeatable; value parsed as YAML).")
    List<String> overrides = new ArrayList<>();

    /** @return the validated config */
    JobConfig load() {
        return ConfigLoader.load(file, overrides);
    }
}
