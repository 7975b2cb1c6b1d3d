package io.kka.cli;

import io.kka.config.ConfigErrors;
import io.kka.config.ConfigException;
import io.kka.data.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Maps failures to exit codes: 2 for config and input errors (one line each), 1 for anything else. */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
    /** bad usage, config or input */
    public static final int BAD_INPUT = 2;
    /** any other failure */
    public static final int FAILURE = 1;
    private static final Logger LOG = LoggerFactory.getLogger(ExitCodes.class);

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable root = userError(ex);
        if (root instanceof ConfigErrors ce) {
            ce.errors().forEach(e -> cmd.getErr().println("kka: config error: " + e));
            return BAD_INPUT;
        }
        if (root != null) {
            cmd.getErr().println("kka: error: " + root.getMessage());
            return BAD_INPUT;
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof io.kka.loop.StageFailedException sf) {
                cmd.getErr().println("kka: stage failed: " + sf.getMessage());
                return FAILURE;
            }
        }
        String full = diskFull(ex);
        if (full != null) {
            LOG.error("kka {} failed: out of disk space", cmd.getCommandName(), ex);
            cmd.getErr().println("kka: failed: no space left on device (" + full + "); the write failed before its"
                    + " commit, so nothing half-written counts; free space and "
                    + ("run".equals(cmd.getCommandName()) ? "rerun with --resume" : "run it again"));
            return FAILURE;
        }
        LOG.error("kka {} failed", cmd.getCommandName(), ex);
        cmd.getErr().println("kka: failed: " + ex);
        return FAILURE;
    }

    private static final java.util.regex.Pattern WRITTEN_PATH = java.util.regex.Pattern.compile(
            "\\b[a-z][a-z0-9+.-]*:/[^\\s,;()\\]\\[]+");

    /**
     * @param ex a failure
     * @return where a full disk or an exceeded space quota (ENOSPC, HDFS's DSQuotaExceededException) stopped a write
     *     anywhere in the cause chain, in a few words; null when the failure is something else
     */
    static String diskFull(Throwable ex) {
        boolean full = false;
        String where = null;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("No space left on device") || t.getClass().getSimpleName().contains("QuotaExceeded")) {
                full = true;
            }
            java.util.regex.Matcher w = WRITTEN_PATH.matcher(m);
            if (where == null && w.find()) {
                where = "writing " + w.group();
            }
        }
        return full ? (where == null ? "the failing write did not name its file" : where) : null;
    }

    /** Finds a config/input error anywhere in the cause chain (Spark wraps executor exceptions). */
    public static Throwable userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConfigErrors || t instanceof ConfigException || t instanceof InvalidInputException) {
                return t;
            }
        }
        return null;
    }
}
