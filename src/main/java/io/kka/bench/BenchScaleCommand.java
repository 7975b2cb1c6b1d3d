package io.kka.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.cli.ExitCodes;
import io.kka.spark.Sessions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kka bench scale}: how cost grows with the corpus. Builds Fashion-MNIST corpora of {@code --base} ×
 * factor PNG files ({@link ScaleCorpus}), then for each factor runs, each as its own driver JVM with executors in
 * separate JVMs ({@link ScaleRun}): {@code kka ingest}, the plain-Spark {@code binaryFile} baseline on the same
 * files, one loop iteration with the embedded stand-ins, and scoring of the whole samples table. Prints a table and,
 * as its last line, one JSON object.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Ingest, one loop iteration and scoring on 1x and 10x Fashion-MNIST folder corpora (seeded"
                + " augmentations), each phase in its own driver JVM (executors in separate JVMs): wall time,"
                + " images/s, the driver's peak heap, and ingest against a plain binaryFile baseline.")
final class BenchScaleCommand implements Callable<Integer> {
    @Option(names = "--scale-factors", split = ",", defaultValue = "1,10",
            description = "Corpus sizes as multiples of --base, comma-separated. Default: ${DEFAULT-VALUE}.")
    List<Integer> factors;

    @Option(names = "--base", defaultValue = "70000",
            description = "Images of the 1x corpus (7..70000; e.g. 7000 for a quick run). Default: ${DEFAULT-VALUE}.")
    int base;

    @Option(names = "--work", defaultValue = "target/bench-scale", description = "Work folder on local disk:"
            + " corpora (cached between runs), tables, phase logs. Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(names = "--keep", description = "Keep the samples tables, run folders and baseline output (corpora"
            + " are always kept as the cache).")
    boolean keep;

    @Option(names = "--mnist", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Fashion-MNIST IDX folder. Default: ${DEFAULT-VALUE}.")
    String mnist;

    @Option(names = "--executors", defaultValue = "2",
            description = "Executor JVMs of each phase (1 core each). Default: ${DEFAULT-VALUE}.")
    int executors;

    @Option(names = "--executor-memory-mb", defaultValue = "1024",
            description = "Heap of each executor, MiB. Default: ${DEFAULT-VALUE}.")
    int executorMemoryMb;

    @Option(names = "--driver-memory-mb", defaultValue = "1024",
            description = "Fixed heap of each phase's driver JVM, MiB. Default: ${DEFAULT-VALUE}.")
    int driverMemoryMb;

    @Option(names = "--no-loop", description = "Skip the loop iteration (then scoring uses a detector trained by"
            + " kka train on the smallest factor's samples).")
    boolean noLoop;

    @Option(names = "--seed", defaultValue = "7", description = "Augmentation and run seed. Default: 7.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (factors.isEmpty() || factors.stream().anyMatch(f -> f < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale-factors must be integers >= 1");
        }
        if (base < 7 || base > ScaleCorpus.FULL) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--base must be 7.." + ScaleCorpus.FULL
                    + ", found " + base);
        }
        if (executors < 1 || executorMemoryMb < 512 || driverMemoryMb < 512) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--executors must be >= 1 and the memory options >= 512");
        }
        if (!Files.isDirectory(Path.of(mnist))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mnist " + mnist + " is not a folder"
                    + " (apt-get install dataset-fashion-mnist)");
        }
        List<Integer> sorted = factors.stream().distinct().sorted().toList();
        Path root = work.toAbsolutePath().normalize();
        Files.createDirectories(root);
        ScaleRun.Settings s = new ScaleRun.Settings(root, mnist, base, sorted, executors, executorMemoryMb,
                driverMemoryMb, !noLoop, keep, seed);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> r;
        try (Sessions.Handle h = Sessions.open("kka bench scale")) {
            r = ScaleRun.run(h.spark(), s, out);
        }
        ScaleRun.table(r, out);
        out.println(new ObjectMapper().writeValueAsString(r));
        out.flush();
        return Boolean.TRUE.equals(r.get("phases_ok")) ? 0 : ExitCodes.FAILURE;
    }
}
