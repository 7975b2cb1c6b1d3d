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
        int code = run(args);
        if (!returnsOnSuccess(code, System.getProperties())) {
            System.exit(code);
        }
    }

    /**
     * Whether {@code main} returns instead of exiting. In YARN cluster mode the driver's {@code main} runs inside
     * the ApplicationMaster, which reports the application SUCCEEDED only when {@code main} returns, and then exits
     * the JVM itself: {@code System.exit}, even with 0, makes YARN record the run as FAILED ("Shutdown hook called
     * before final status was reported"). Everywhere else, and for every failure, the exit code is the result.
     *
     * @param code  the command's exit code
     * @param props the JVM's system properties (the ApplicationMaster sets spark.master and
     *              spark.submit.deployMode there before it calls {@code main})
     * @return true for success inside a YARN ApplicationMaster
     */
    static boolean returnsOnSuccess(int code, java.util.Properties props) {
        return code == 0 && "yarn".equals(props.getProperty("spark.master"))
                && "cluster".equals(props.getProperty("spark.submit.deployMode"));
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
