package io.kka.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kka bench ...}: benchmarks that print their figures and end with one JSON line. Long runs belong here,
 * never in timed tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints a table and, as its last line, one JSON object.",
        subcommands = {BenchDetectorsCommand.class, BenchTrainCommand.class, BenchEndpointsCommand.class,
            BenchKkaCommand.class, BenchScaleCommand.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required");
    }
}
