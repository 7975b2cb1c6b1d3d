package io.kka.cli;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.testing.Fixtures;
import io.kka.testing.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for the {@code kka} command line: exit codes, help, config check, ingest. */
class KkaCliTest {

    /** Output of one CLI run. */
    record Run(int code, String out, String err) {
    }

    static Run kka(String... args) {
        io.kka.testing.Cli.Run r = io.kka.testing.Cli.kka(args);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void mainReturnsOnSuccessOnlyInsideAYarnApplicationMaster() {
        java.util.Properties am = new java.util.Properties();
        am.setProperty("spark.master", "yarn");
        am.setProperty("spark.submit.deployMode", "cluster");
        assertTrue(Kka.returnsOnSuccess(0, am), "YARN cluster mode: return, so the AM reports SUCCEEDED");
        assertFalse(Kka.returnsOnSuccess(2, am), "a failure still exits with its code");
        java.util.Properties client = new java.util.Properties();
        client.setProperty("spark.master", "yarn");
        client.setProperty("spark.submit.deployMode", "client");
        assertFalse(Kka.returnsOnSuccess(0, client));
        java.util.Properties k8s = new java.util.Properties();
        k8s.setProperty("spark.master", "k8s://https://kubernetes.default.svc");
        k8s.setProperty("spark.submit.deployMode", "cluster");
        assertFalse(Kka.returnsOnSuccess(0, k8s));
        assertFalse(Kka.returnsOnSuccess(0, new java.util.Properties()));
    }

    @Test
    void versionAndHelp() {
        Run v = kka("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("kka "), v.out());
        Run h = kka("ingest", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--on-bad-record"), h.out());
        assertTrue(h.out().contains("--set"), h.out());
    }

    @Test
    void everyCommandExplainsEveryOptionAndItsHelpFormats() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream picocliWarnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(picocliWarnings, true));
        try {
            java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(List.of(new CommandLine(new Kka())));
            int commands = 0;
            while (!todo.isEmpty()) {
                CommandLine c = todo.pop();
                todo.addAll(c.getSubcommands().values());
                commands++;
                String usage = c.getUsageMessage();
                assertTrue(usage.contains("Usage: "), usage);
                for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                    assertTrue(o.description().length > 0 && !o.description()[0].isBlank(),
                            c.getCommandSpec().qualifiedName() + " " + o.longestName() + " has no description");
                }
            }
            assertTrue(commands >= 14, "commands: " + commands);
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", picocliWarnings.toString(), "picocli could not format a help text");
    }

    @Test
    void badUsageExitsWith2() {
        assertEquals(2, kka("no-such-command").code());
        assertEquals(2, kka("ingest").code());
        assertEquals(2, kka().code());
    }

    @Test
    void configCheckPrintsEffectiveConfigOrErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "run:\n  iterations: 2\nllm:\n  api_key: env:SECRET_NAME\n");
        Run ok = kka("config", "check", good.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("iterations: 2"), ok.out());
        assertTrue(ok.out().contains("concurrency: 8"), "defaults filled in: " + ok.out());
        assertTrue(ok.out().contains("api_key: env:SECRET_NAME"), ok.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "run:\n  iteratons: 2\nllm:\n  http:\n    concurrency: 0\n");
        Run ko = kka("config", "check", bad.toString());
        assertEquals(2, ko.code());
        assertEquals("run.iteratons is not a known key (did you mean 'iterations'?)\n"
                + "llm.http.concurrency must be >= 1, found 0\n", ko.err());
        assertFalse(ko.out().contains("run:"));
    }

    @Test
    void ingestWritesTableAndBadInputExitsWith2(@TempDir Path dir) throws Exception {
        SparkTestSession.get();
        Path data = Fixtures.fashionMnist(dir.resolve("fm"), 2, 1);
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "data:\n  path: " + data + "\ntask:\n  normal_classes: [Bag]\n");
        Run ok = kka("ingest", cfg.toString(), "--output", dir.resolve("out").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("test/test"), ok.out());
        assertTrue(Files.isDirectory(dir.resolve("out")));

        Run unknown = kka("ingest", cfg.toString(), "--set", "task.normal_classes=[Bagg]", "--output",
                dir.resolve("out2").toString());
        assertEquals(2, unknown.code());
        assertEquals("kka: error: task.normal_classes: unknown class 'Bagg' (did you mean 'bag'?)\n", unknown.err());
        assertTrue(Files.notExists(dir.resolve("out2")));
    }
}
