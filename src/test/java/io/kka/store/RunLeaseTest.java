package io.kka.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.data.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link RunLease}: one driver per run directory, judged by heartbeats, not by clocks. */
class RunLeaseTest {
    private static final Configuration CONF = new Configuration();

    @Test
    void aSecondDriverBesideALiveOneIsRefusedAndTheLeaseIsReleasedAtTheEnd(@TempDir Path dir) throws Exception {
        String run = dir.resolve("run").toString();
        // a 2 s TTL: the holder's heartbeat (every 0.67 s) moves within it even on a loaded machine
        try (RunLease first = RunLease.acquire(run, CONF, 2)) {
            assertTrue(Files.exists(dir.resolve("run/_lease.json")));
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> RunLease.acquire(run, CONF, 2));
            assertTrue(e.getMessage().startsWith("run.dir " + run + " is in use by another driver (pid "
                    + ProcessHandle.current().pid() + " on "), e.getMessage());
            assertTrue(first.beats() > 0, "the holder kept heartbeating meanwhile");
            first.check();
        }
        assertFalse(Files.exists(dir.resolve("run/_lease.json")), "released");
        try (RunLease again = RunLease.acquire(run, CONF, 30, ms -> {
            throw new AssertionError("no wait when nobody holds the lease");
        })) {
            again.check();
        }
    }

    @Test
    void aLeaseWhoseHeartbeatStoodStillIsTakenOver(@TempDir Path dir) throws Exception {
        Path file = Files.createDirectories(dir.resolve("run")).resolve("_lease.json");
        Files.writeString(file, "{\"token\":\"dead-driver\",\"beats\":41,\"pid\":1,\"host\":\"gone\"}\n");
        long[] waited = {0};
        try (RunLease lease = RunLease.acquire(dir.resolve("run").toString(), CONF, 0.2, ms -> waited[0] += ms)) {
            assertEquals(200, waited[0], "one TTL of observation");
            assertFalse(Files.readString(file).contains("dead-driver"));
            lease.check();
        }
    }

    @Test
    void aDriverWhoseLeaseWasTakenOverStopsBeforeItCommits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run/_lease.json");
        try (RunLease lease = RunLease.acquire(dir.resolve("run").toString(), CONF, 60)) {
            Files.writeString(file, "{\"token\":\"someone-else\",\"beats\":0,\"pid\":99,\"host\":\"other\"}\n");
            Files.deleteIfExists(dir.resolve("run/._lease.json.crc")); // as another driver's write through Hadoop
            IllegalStateException e = assertThrows(IllegalStateException.class, lease::check);
            assertEquals("this driver no longer holds the run directory (the lease was taken over by pid 99 on"
                    + " other, started ?); nothing more is committed", e.getMessage());
        }
        assertTrue(Files.readString(file).contains("someone-else"), "a driver never deletes a lease it lost");
    }

    @Test
    void theHoldersOwnHeartbeatRewriteIsNeverMistakenForATakeover(@TempDir Path dir) throws Exception {
        // a heartbeat every 10 ms rewrites the file (truncate, then write) while the driver checks before commits;
        // CI once read the truncated file and stopped a healthy run ("taken over by pid ?")
        try (RunLease lease = RunLease.acquire(dir.resolve("run").toString(), CONF, 0.03)) {
            long until = System.nanoTime() + 3_000_000_000L;
            int checks = 0;
            while (System.nanoTime() < until || lease.beats() < 50) {
                lease.check();
                checks++;
            }
            assertTrue(checks > 100 && lease.beats() >= 50, checks + " checks, " + lease.beats() + " beats");
        }
    }

    @Test
    void anEmptyOrHalfWrittenLeaseIsReadAgainBeforeItCounts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run/_lease.json");
        try (RunLease lease = RunLease.acquire(dir.resolve("run").toString(), CONF, 60)) {
            String mine = Files.readString(file);
            Files.writeString(file, mine.substring(0, mine.length() / 2)); // as seen mid-rewrite
            Files.deleteIfExists(dir.resolve("run/._lease.json.crc"));
            Thread restore = new Thread(() -> {
                try {
                    Thread.sleep(120);
                    Files.writeString(file, mine);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            restore.start();
            lease.check();
            restore.join();
        }
    }
}
