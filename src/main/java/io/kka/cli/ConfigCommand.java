package io.kka.cli;

import io.kka.config.ConfigErrors;
import io.kka.config.ConfigPrinter;
import io.kka.config.JobConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kka config check|reference}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check a config file or print the"
        + " configuration reference.", subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class,
            ConfigCommand.Schema.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: check or reference");
    }

    /** {@code kka config check FILE}: prints the effective config (secrets as references) or every error. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate CONFIG and print the"
            + " effective config with defaults filled in (secrets shown as references only). Exit 0 if valid,"
            + " 2 with one line per error otherwise.")
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOptions config;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                JobConfig cfg = config.load();
                spec.commandLine().getOut().print(ConfigPrinter.yaml(cfg));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ConfigErrors e) {
                e.errors().forEach(line -> spec.commandLine().getErr().println(line));
                spec.commandLine().getErr().flush();
                return ExitCodes.BAD_INPUT;
            }
        }
    }

    /** {@code kka config reference}: the Markdown table of every key. */
    @Command(name = "reference", mixinStandardHelpOptions = true,
            description = "Print the configuration reference (Markdown) generated from the config records.")
    static final class Reference implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigPrinter.reference(JobConfig.class));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code kka config schema}: the JSON Schema of the config file. */
    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the config file (data-schemas/config.schema.json).")
    static final class Schema implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigPrinter.jsonSchema(JobConfig.class));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
