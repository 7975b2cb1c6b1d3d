package io.kka.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.loop.GenerateOnce;
import io.kka.spark.Sessions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kka generate CONFIG}: Eq. 2–4 for one iteration, written to RUN/generate/NNN. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Select representative normals (Eq. 2),"
        + " write anomaly descriptions (Eq. 3) and render images (Eq. 4) for one iteration, with the language model"
        + " the loop would use there; writes run.dir/generate/NNN (Parquet) and its metrics.json.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--iteration", paramLabel = "N", defaultValue = "0",
            description = "Iteration whose language model to use (default ${DEFAULT-VALUE}: before any DPO).")
    int iteration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig cfg = config.load();
        if (iteration < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--iteration must be >= 0, found "
                    + iteration);
        }
        try (Sessions.Handle h = Sessions.open(cfg.run().name() + " generate")) {
            ObjectNode m = GenerateOnce.run(h.spark(), cfg, iteration);
            var out = spec.commandLine().getOut();
            out.println(m.toPrettyString());
            out.println("wrote " + cfg.run().dir() + String.format("/generate/%03d", iteration));
            out.flush();
            return 0;
        }
    }
}
