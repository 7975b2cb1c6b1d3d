package io.kka.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver per run directory: a lease file ({@code _lease.json}: owner token, host, pid, a heartbeat counter)
 * created atomically ({@code create} without overwrite fails if it exists, on HDFS, local and object stores alike)
 * and refreshed by a heartbeat thread every third of the TTL.
 *
 * <p>Liveness is judged without comparing clocks across machines: a driver that finds a lease reads its heartbeat
 * counter, waits one TTL, and reads it again. A counter that moved belongs to a live driver (an Airflow retry beside
 * a zombie driver): refused, with the holder named. One that did not move belongs to a dead driver: the lease is taken
 * over. Before every commit the holder checks that the lease still carries its own token ({@link #check()}); a driver
 * whose lease was taken over stops before it writes.
 */
public final class RunLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final FileSystem fs;
    private final String token = UUID.randomUUID().toString();
    private final AtomicLong beats = new AtomicLong();
    private final long ttlMs;
    private final Thread heartbeat;
    private volatile String lost;
    /** Stops the heartbeat between beats: an interrupt could land inside a rewrite and leave the file torn. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Serialises this driver's own heartbeat rewrite against its own reads: an overwrite truncates before it writes. */
    private final Object io = new Object();
    /** True while this driver's last rewrite failed half-way (a full disk): the file may be empty by our doing. */
    private volatile boolean tornByUs;

    private RunLease(Path path, FileSystem fs, long ttlMs) {
        this.path = path;
        this.fs = fs;
        this.ttlMs = ttlMs;
        this.heartbeat = new Thread(this::beat, "kka-run-lease");
        this.heartbeat.setDaemon(true);
    }

    /**
     * @param runDir the run directory
     * @param conf   Hadoop configuration
     * @param ttlS   heartbeat TTL, seconds ({@code run.lease_ttl_s})
     * @return the lease, held and heartbeating until {@link #close()}
     * @throws InvalidInputException if a live driver holds the run directory
     */
    public static RunLease acquire(String runDir, Configuration conf, double ttlS) {
        return acquire(runDir, conf, ttlS, RunLease::sleep);
    }

    static RunLease acquire(String runDir, Configuration conf, double ttlS, LongConsumer sleeper) {
        Path p = new Path(Fs.child(runDir, "_lease.json"));
        FileSystem fs = Fs.fs(p.toString(), conf);
        RunLease lease = new RunLease(p, fs, Math.max(1, (long) (ttlS * 1000)));
        try {
            fs.mkdirs(p.getParent());
            if (!lease.create()) {
                JsonNode seen = lease.read();
                sleeper.accept(lease.ttlMs);
                JsonNode now = lease.read();
                if (now != null && seen != null && (!now.path("token").equals(seen.path("token"))
                        || now.path("beats").asLong() != seen.path("beats").asLong())) {
                    throw new InvalidInputException("run.dir " + runDir + " is in use by another driver ("
                            + holder(now) + ": its heartbeat moved within " + ttlS + " s); wait for it to finish,"
                            + " or stop it, before resuming");
                }
                LOG.warn("run.dir {}: taking over the lease of a driver that stopped heartbeating ({})", runDir,
                        seen == null ? "unreadable lease" : holder(seen));
                fs.delete(p, false);
                if (!lease.create()) {
                    throw new InvalidInputException("run.dir " + runDir + ": another driver took the lease at the"
                            + " same moment (" + holder(lease.read()) + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lease of " + runDir, e);
        }
        lease.heartbeat.start();
        return lease;
    }

    private static String holder(JsonNode n) {
        return n == null ? "unknown holder" : "pid " + n.path("pid").asText("?") + " on " + n.path("host").asText("?")
                + ", started " + n.path("started").asText("?");
    }

    /** @return false if a lease file already exists */
    private boolean create() throws IOException {
        try (FSDataOutputStream out = fs.create(path, false)) {
            write(out);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
    }

    private void write(OutputStream out) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("token", token);
        n.put("beats", beats.get());
        n.put("pid", ProcessHandle.current().pid());
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        n.put("host", host);
        n.put("jvm", ManagementFactory.getRuntimeMXBean().getName());
        n.put("started", ProcessHandle.current().info().startInstant().map(Object::toString).orElse("?"));
        out.write((n.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the lease. Another driver's heartbeat rewrite ({@code create} with overwrite truncates first) can be seen
     * half-written: a read without a token is retried a few times before it counts.
     *
     * @return the lease's content, or null when there is no lease file
     */
    private JsonNode readOrThrow() throws IOException {
        JsonNode n = null;
        IOException failed = null;
        for (int attempt = 0; attempt < TORN_READ_RETRIES; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(TORN_READ_PAUSE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            synchronized (io) {
                if (!fs.exists(path)) {
                    return null;
                }
                try (var in = fs.open(path)) {
                    n = JSON.readTree(parseable(in.readAllBytes()));
                    failed = null;
                } catch (IOException e) { // half-written JSON, a checksum mismatch, a file replaced under us
                    n = null;
                    failed = e;
                }
            }
            if (n != null && n.path("token").isTextual()) {
                return n;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return n == null ? JSON.createObjectNode() : n;
    }

    private static byte[] parseable(byte[] b) {
        return b.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : b;
    }

    private static final int TORN_READ_RETRIES = 10;
    private static final long TORN_READ_PAUSE_MS = 50;

    /** @return the lease's content, or null when there is none or it cannot be read */
    private JsonNode read() {
        try {
            return readOrThrow();
        } catch (IOException e) {
            return null;
        }
    }

    private void beat() {
        while (lost == null) {
            try {
                if (stop.await(Math.max(1, ttlMs / 3), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            JsonNode n;
            try {
                n = readOrThrow();
            } catch (IOException e) {
                LOG.warn("run lease {} unreadable ({}); checking again at the next heartbeat", path, e.getMessage());
                continue;
            }
            if (!tornHere(n) && (n == null || !token.equals(n.path("token").asText()))) {
                lost = n == null ? "the lease file " + path + " disappeared" : "the lease was taken over by "
                        + holder(n);
                LOG.error("run lease lost: {}", lost);
                return;
            }
            beats.incrementAndGet();
            try {
                rewrite();
            } catch (IOException e) {
                LOG.warn("run lease heartbeat failed ({}); retrying", e.getMessage());
            }
        }
    }

    /** Rewrites the lease; a failure half-way (the overwrite truncates first) is remembered as our own tear. */
    private void rewrite() throws IOException {
        synchronized (io) {
            try (FSDataOutputStream out = fs.create(path, true)) {
                write(out);
            } catch (IOException e) {
                tornByUs = true;
                throw e;
            }
            tornByUs = false;
        }
    }

    /** @return true if {@code n} is a lease without a token that our own failed rewrite left behind */
    private boolean tornHere(JsonNode n) {
        return tornByUs && n != null && !n.path("token").isTextual();
    }

    /**
     * Called before every commit.
     *
     * @throws IllegalStateException if another driver has taken the lease: this one must not write
     */
    public void check() {
        JsonNode n = null;
        if (lost == null) {
            try {
                n = readOrThrow();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the run lease " + path + " before committing ("
                        + e.getMessage() + "); nothing more is committed", e);
            }
        }
        if (lost == null && tornHere(n)) {
            try {
                rewrite();
                return;
            } catch (IOException e) {
                throw new IllegalStateException("cannot rewrite the run lease " + path + " before committing ("
                        + e.getMessage() + "); nothing more is committed", e);
            }
        }
        if (lost == null && (n == null || !token.equals(n.path("token").asText()))) {
            lost = n == null ? "the lease file " + path + " disappeared" : "the lease was taken over by " + holder(n);
        }
        if (lost != null) {
            throw new IllegalStateException("this driver no longer holds the run directory (" + lost + "); nothing"
                    + " more is committed");
        }
    }

    /** @return heartbeats written so far */
    long beats() {
        return beats.get();
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            heartbeat.join(5000);
            JsonNode n = read();
            if (n != null && (token.equals(n.path("token").asText()) || tornHere(n))) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot release the run lease {}: {}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the run lease", e);
        }
    }
}
