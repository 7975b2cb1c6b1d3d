package io.kka.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a submit script of submit/ against a stand-in {@code spark-submit}, first on PATH, that records its
 * arguments one per line (submit/kka-submit calls the spark-submit on PATH when there is one): a dry run that
 * yields the exact command line the script would run.
 */
public final class SubmitScripts {
    private SubmitScripts() {
    }

    /**
     * One dry run.
     *
     * @param exit   the script's exit code
     * @param output its stdout and stderr
     * @param argv   the arguments spark-submit received (empty if it was not called)
     */
    public record Run(int exit, String output, List<String> argv) {
        /** @return the value after {@code flag}, or null */
        public String after(String flag) {
            int i = argv.indexOf(flag);
            return i < 0 || i + 1 >= argv.size() ? null : argv.get(i + 1);
        }

        /** @return every {@code --conf key=value} as key → value, in order */
        public Map<String, String> confs() {
            Map<String, String> confs = new LinkedHashMap<>();
            for (int i = 0; i + 1 < argv.size(); i++) {
                if (argv.get(i).equals("--conf")) {
                    String kv = argv.get(i + 1);
                    confs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            return confs;
        }
    }

    /**
     * @param dir    scratch directory (the stand-in and its record go here)
     * @param script path of the script relative to the project directory
     * @param env    extra environment (OPENAI_API_KEY and OPENAI_API_KEY_FILE are removed first)
     * @return the dry run
     */
    public static Run run(Path dir, String script, Map<String, String> env) throws Exception {
        Path root = SchemaValidation.projectDir();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path argv = dir.resolve("argv.txt");
        Path fake = bin.resolve("spark-submit");
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$ARGV_OUT\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.deleteIfExists(argv);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve(script).toString()).directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("OPENAI_API_KEY");
        pb.environment().remove("OPENAI_API_KEY_FILE");
        pb.environment().remove("KKA_SPARK_SUBMIT");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("ARGV_OUT", argv.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 60 s:\n" + out);
        }
        List<String> args = Files.exists(argv) ? Files.readAllLines(argv) : List.of();
        return new Run(p.exitValue(), out, args);
    }
}
