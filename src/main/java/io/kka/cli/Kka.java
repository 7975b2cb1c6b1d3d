package io.kka.cli;

import io.kka.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kka}: the command-line entry point. Parses, validates, runs one command, exits with 0 (ok),
 * 2 (bad usage, config or input) or 1 (any other failure).
 */
@Command(name = "kka", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "KKA on Spark: anomaly-related knowledge from LLMs for vision anomaly detection.",
        subcommands = {IngestCommand.class, RunCommand.class, GenerateCommand.class, TrainCommand.class,
            ScoreCommand.class, ReportCommand.class, ExportCommand.class, ConfigCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Kka implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private LogOptions logging = new LogOptions();

    /** @param args command line */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * @param args command line
     * @return the exit code
     */
    public static int run(String... args) {
        LogOptions.defaults();
        io.kka.detect.NativeBackend.configure();
        return new CommandLine(new Kka()).setExecutionExceptionHandler(new ExitCodes()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
