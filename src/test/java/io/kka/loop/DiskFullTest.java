package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.cli.ExitCodes;
import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import io.kka.testing.Fixtures;
import io.kka.testing.QuotaFileSystem;
import io.kka.testing.RunComparison;
import io.kka.testing.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The disk of the run directory fills up in the middle of a run ({@link QuotaFileSystem}: every write past a byte
 * budget fails with ENOSPC, in the driver and in the tasks). The iteration fails before its commit, the CLI says so
 * in one line, no committed iteration is damaged, and once space is free {@code --resume} ends with the decisions
 * of an uninterrupted run. Only replies whose cache file could not be written may be requested again.
 */
class DiskFullTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path data;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void register(@TempDir Path dir) throws Exception {
        data = Fixtures.fashionMnist(dir.resolve("fm"), 12, 5);
        Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
        conf.set("fs.quota.impl", QuotaFileSystem.class.getName());
        conf.setBoolean("fs.quota.impl.disable.cache", true);
    }

    @AfterAll
    static void unregister() {
        Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
        conf.unset("fs.quota.impl");
        conf.unset("fs.quota.impl.disable.cache");
        QuotaFileSystem.limit(Long.MAX_VALUE);
    }

    private static JobConfig cfg(String run, FakeEndpointServer server) {
        return ConfigLoader.parse("", "test", List.of("run.dir=" + run, "run.iterations=1", "run.lease_ttl_s=1",
                "data.path=" + data, "task.normal_classes=[Trouser]", "task.val_fraction=0.5",
                "llm.provider=openai", "llm.base_url=" + server.openAiBaseUrl(), "llm.model=fake-llm",
                "images.provider=automatic1111", "images.base_url=" + server.automatic1111BaseUrl(),
                "images.model=fake-sd", "images.size=64x64", "images.steps=20"));
    }

    private ObjectNode run(String dir, FakeEndpointServer server, boolean resume) {
        return KkaLoop.of(cfg(dir, server), samples -> new FakeHttpStages(spark, cfg(dir, server)))
                .run(spark, resume, Integer.MAX_VALUE);
    }

    @Test
    void aFullDiskFailsTheIterationBeforeItsCommitAndTheResumeFinishesTheRun(@TempDir Path dir) throws Exception {
        try (FakeEndpointServer a = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()));
             FakeEndpointServer b = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            String straight = "quota://" + dir.resolve("straight");
            String full = "quota://" + dir.resolve("full");
            var conf = spark.sparkContext().hadoopConfiguration();
            long before = QuotaFileSystem.written();
            ObjectNode ma = run(straight, a, false);
            long whole = QuotaFileSystem.written() - before;
            assertTrue(whole > 100_000, "the run wrote " + whole + " bytes");

            // the disk fills up half-way through the same run
            QuotaFileSystem.limit(whole / 2);
            Exception e = assertThrows(Exception.class, () -> run(full, b, false));
            long refused = QuotaFileSystem.failedWrites();
            long cacheFilesLost = QuotaFileSystem.failedCacheFiles();
            assertTrue(refused > 0, "no write was refused");
            StringWriter err = new StringWriter();
            CommandLine cmd = new CommandLine(CommandLine.Model.CommandSpec.create().name("run")).setErr(new PrintWriter(err, true));
            assertEquals(ExitCodes.FAILURE, new ExitCodes().handleExecutionException(e, cmd, null));
            String line = err.toString().strip();
            assertFalse(line.contains("\n"), "one line: " + line);
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append("\n  ").append(t.getClass().getName()).append(": ").append(t.getMessage());
                for (StackTraceElement f : t.getStackTrace()) {
                    if (f.getClassName().startsWith("io.kka")) {
                        chain.append(" @ ").append(f);
                        break;
                    }
                }
            }
            // the file is named when the failing write named it (Spark's file writers do; a bare ENOSPC does not)
            assertTrue(line.startsWith(chain.toString().contains("quota:/")
                    ? "kka: failed: no space left on device (writing quota:/"
                    : "kka: failed: no space left on device (the failing write did not name its file)"), line + chain);
            assertTrue(line.endsWith("nothing half-written counts; free space and rerun with --resume"), line);

            RunLayout lb = new RunLayout(full);
            Checkpoints cb = Checkpoints.of(lb, conf);
            int committed = cb.lastComplete();
            assertTrue(committed < 1, "the run cannot have finished: last complete " + committed);
            assertFalse(Fs.exists(lb.path("_lease.json"), conf), "the failed driver released its lease");

            // space is freed; a new driver resumes
            QuotaFileSystem.limit(Long.MAX_VALUE);
            ObjectNode mb = run(full, b, true);
            assertEquals(1, Checkpoints.of(lb, conf).lastComplete());
            assertEquals(a.keys(), b.keys(), "the two runs made different requests");
            assertTrue(b.keysChargedTwice() <= cacheFilesLost, b.keysChargedTwice() + " replies paid twice, but"
                    + " only " + cacheFilesLost + " cache files were lost to the full disk");
            RunLayout la = new RunLayout(straight);
            for (int t = 0; t <= 1; t++) {
                RunComparison.assertSameDecisions(spark, la.iteration(t), lb.iteration(t));
                for (String k : List.of("generation", "anomaly_set", "probe", "threshold", "pairs", "evaluation")) {
                    RunComparison.assertClose(ma.get("iterations").get(t).get(k), mb.get("iterations").get(t).get(k),
                            "iteration " + t + " " + k);
                }
            }
            assertEquals(2, JSON.readTree(Fs.readString(lb.metrics(), conf)).path("iterations").size());
            System.out.printf("disk full: %d of %d bytes written before the refusal, %d writes refused, last"
                    + " committed iteration %s, %d cache files lost, %d replies paid twice%n", whole / 2, whole,
                    refused, committed < 0 ? "none" : String.valueOf(committed), cacheFilesLost, b.keysChargedTwice());
        }
    }
}
