package io.kka.testing;

import io.kka.cli.ExitCodes;
import io.kka.cli.Kka;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code kka} command line in the test JVM, capturing its exit code and output. */
public final class Cli {
    private Cli() {
    }

    /**
     * Output of one CLI run.
     *
     * @param code exit code
     * @param out  standard output
     * @param err  standard error
     */
    public record Run(int code, String out, String err) {
    }

    /** @return the result of {@code kka args...} */
    public static Run kka(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Kka()).setExecutionExceptionHandler(new ExitCodes());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
