package io.kka.generate.http;

import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Shared helpers of the HTTP tests: configs pointing at a fake server, a secret file, log capture. */
final class HttpTestKit {
    /** the API key the tests use; it must never appear in an error or a log line */
    static final String SECRET = "sk-test-Zq7XSECRETvalue42";

    private HttpTestKit() {
    }

    /**
     * @param overrides --set style overrides, e.g. "llm.base_url=http://..."
     * @return the config
     */
    static JobConfig config(String... overrides) {
        List<String> all = new ArrayList<>(List.of("llm.provider=openai", "llm.model=fake-llm",
                "images.model=fake-sd", "llm.http.backoff_initial_ms=20", "llm.http.backoff_max_ms=200",
                "images.http.backoff_initial_ms=20", "images.http.backoff_max_ms=200"));
        all.addAll(Arrays.asList(overrides));
        return ConfigLoader.parse("", "test", all);
    }

    /** Writes the secret to a file and returns its reference, "file:PATH". */
    static String secretRef(Path dir) throws IOException {
        Path f = dir.resolve("api-key");
        Files.writeString(f, SECRET + "\n");
        return "file:" + f;
    }

    /** Captures everything logged at INFO and above while open. */
    static final class LogCapture implements AutoCloseable {
        private final StringWriter out = new StringWriter();
        private final Appender appender;
        private final LoggerConfig root;

        LogCapture() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration cfg = ctx.getConfiguration();
            appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n%ex")
                    .build(), null, out, "capture-" + System.nanoTime(), false, true);
            appender.start();
            // io.kka logs at INFO and is additive, so the root logger's appenders see its lines
            root = cfg.getRootLogger();
            root.addAppender(appender, Level.INFO, null);
            ctx.updateLoggers();
        }

        /** @return what was logged so far */
        String text() {
            return out.toString();
        }

        @Override
        public void close() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            root.removeAppender(appender.getName());
            ctx.updateLoggers();
            appender.stop();
        }
    }
}
