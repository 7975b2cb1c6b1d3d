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

    @Test
    void aHeartbeatTornByAFullDiskIsNotATakeoverAndIsReleased(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.quota.impl", io.kka.testing.QuotaFileSystem.class.getName());
        conf.setBoolean("fs.quota.impl.disable.cache", true);
        Path file = dir.resolve("run/_lease.json");
        try {
            try (RunLease lease = RunLease.acquire("quota://" + dir.resolve("run"), conf, 0.06)) {
                io.kka.testing.QuotaFileSystem.limit(0); // the disk fills: every rewrite truncates, then fails
                long until = System.nanoTime() + 5_000_000_000L;
                while (io.kka.testing.QuotaFileSystem.failedWrites() < 2 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertTrue(io.kka.testing.QuotaFileSystem.failedWrites() >= 2, "the heartbeat kept trying");
                assertEquals("", Files.readString(file), "the failed rewrite left the lease empty");
                IllegalStateException e = assertThrows(IllegalStateException.class, lease::check);
                assertTrue(e.getMessage().startsWith("cannot rewrite the run lease ")
                        && e.getMessage().contains("No space left on device"), e.getMessage());
                io.kka.testing.QuotaFileSystem.limit(Long.MAX_VALUE); // space is freed
                lease.check(); // still the holder: the lease is rewritten, not lost
                assertTrue(Files.readString(file).contains("\"token\""));
            }
            assertFalse(Files.exists(file), "released");
        } finally {
            io.kka.testing.QuotaFileSystem.limit(Long.MAX_VALUE);
        }
    }
}
