package io.kka.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the integration tests with a deadline, capturing its output to a log file. */
final class Shell {
    private Shell() {
    }

    /**
     * The outcome of a command.
     *
     * @param exit   exit code (-1 if killed at the deadline)
     * @param output stdout and stderr together
     */
    record Result(int exit, String output) {
        /** @return the last lines of the output, for assertion messages */
        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
        }
    }

    /**
     * @param dir     working directory
     * @param env     extra environment
     * @param log     file receiving the output
     * @param seconds deadline; the command and all its descendants are killed after it
     * @param command the command
     * @return exit code and output
     */
    static Result run(Path dir, Map<String, String> env, Path log, long seconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(done ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
    }
}
