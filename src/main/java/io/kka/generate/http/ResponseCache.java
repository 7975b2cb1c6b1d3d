package io.kka.generate.http;

import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoint replies kept on the run directory (any Hadoop FS), stored as soon as a checked reply arrives and before
 * it counts as received, so that a task that dies half-way has already kept every reply it got: the retried task
 * (or a rerun of the stage with the same seed, whatever its partitioning) makes no repeated call.
 *
 * <p>Keys are SHA-256 digests of the request without its credentials ({@link CallRequest}); a reply is stored only
 * after it passed the protocol's check, so malformed replies are never replayed. A cache that cannot be read or
 * written is logged and bypassed: it never fails a row.
 *
 * <p>Layout. Where the file system can flush an open file for readers (the local file system, HDFS), each task
 * appends its replies to a segment of its own, {@code DIR/seg-*.open}, sealed as {@code .kkc} when the task ends
 * ({@link CacheSegments}): one write (and, on HDFS, one {@code hflush}) per reply instead of creating and renaming a
 * file per reply, which cost a fifth of the endpoint rate at 640 requests/s. A task's first lookup indexes the
 * segments written before it started, including the open segment of a task that died. Object stores cannot flush an
 * open file (an s3a object exists only once closed), so there each reply is its own object,
 * {@code DIR/<first two hex digits>/<key>.json}, written atomically; that layout, written by earlier versions, is
 * also still read everywhere, so a run directory from before segments resumes without repeated calls.
 *
 * <p>The local file system is read and written with java.nio: Hadoop's local file system forks a {@code chmod}
 * process for every file it creates when the native Hadoop library is absent.
 */
public final class ResponseCache implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    /** Cache directories on file systems that cannot flush an open file (one object per reply there). */
    private static final java.util.Set<String> ONE_FILE_PER_REPLY = ConcurrentHashMap.newKeySet();
    /** Shard directories this JVM has created (or found) already. */
    private static final java.util.Set<java.nio.file.Path> CREATED = ConcurrentHashMap.newKeySet();
    private final String dir;
    private final boolean local;
    private final HadoopConf conf;
    /** this instance's (one task's) state: whether its lookups have indexed the directory, and its segment */
    private transient boolean indexed;
    private transient boolean legacyFiles;
    private transient CacheSegments.Segment segment;

    private ResponseCache(String dir, boolean local, HadoopConf conf) {
        this.dir = dir;
        this.local = local;
        this.conf = conf;
    }

    /**
     * Resolves the directory on the driver (a path without a scheme is on the default file system).
     *
     * @param dir  cache directory, e.g. {@code RunLayout.cache() + "/chat"}
     * @param conf Hadoop configuration for the executors
     * @return the cache
     */
    public static ResponseCache at(String dir, HadoopConf conf) {
        FileSystem fs = Fs.fs(dir, conf.get());
        Path qualified = fs.makeQualified(new Path(dir));
        return new ResponseCache(qualified.toString(), "file".equals(qualified.toUri().getScheme()), conf);
    }

    /**
     * Makes this JVM keep one file per reply in {@code dir}, as it does on file systems that cannot flush an open
     * file; for benchmarks that compare the two layouts side by side.
     *
     * @param dir  cache directory, as given to {@link #at}
     * @param conf Hadoop configuration
     */
    public static void oneFilePerReply(String dir, HadoopConf conf) {
        ONE_FILE_PER_REPLY.add(at(dir, conf).dir());
    }

    /** @return the cache directory, fully qualified */
    public String dir() {
        return dir;
    }

    private CacheSegments segments() {
        return CacheSegments.of(dir, local, conf.get());
    }

    /**
     * @param key request key (hex)
     * @return the stored reply, or null when there is none (or it cannot be read)
     */
    public byte[] get(String key) {
        CacheSegments segs = segments();
        boolean oneFilePerReply;
        synchronized (this) {
            if (!indexed) {
                indexed = true;
                try {
                    legacyFiles = segs.refresh();
                } catch (IOException | UncheckedIOException e) {
                    LOG.warn("response cache: cannot list {} ({}); calling the endpoint", dir, e.getMessage());
                    legacyFiles = true;
                }
            }
            oneFilePerReply = legacyFiles || ONE_FILE_PER_REPLY.contains(dir);
        }
        try {
            byte[] body = segs.get(key);
            if (body != null || !oneFilePerReply) {
                return body;
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("response cache: cannot read {} ({}); calling the endpoint", dir, e.getMessage());
            return null;
        }
        return getFile(key);
    }

    private byte[] getFile(String key) {
        String uri = path(key);
        try {
            if (local) {
                java.nio.file.Path file = java.nio.file.Path.of(new Path(uri).toUri());
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            try (InputStream in = Fs.fs(uri, conf.get()).open(new Path(uri))) {
                return in.readAllBytes();
            }
        } catch (FileNotFoundException | NoSuchFileException e) {
            return null;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("response cache: cannot read {} ({}); calling the endpoint", uri, e.getMessage());
            return null;
        }
    }

    /**
     * Stores a checked reply; it is on the file system when this returns. A failure is logged, not thrown.
     *
     * @param key  request key (hex)
     * @param body the reply body
     */
    public void put(String key, byte[] body) {
        if (ONE_FILE_PER_REPLY.contains(dir)) {
            putFile(key, body);
            return;
        }
        CacheSegments.Segment seg;
        try {
            seg = segment();
        } catch (UnsupportedOperationException e) {
            LOG.info("response cache {}: {}; one file per reply", dir, e.getMessage());
            ONE_FILE_PER_REPLY.add(dir);
            putFile(key, body);
            return;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("response cache: cannot create a segment in {} ({}); a rerun will call again", dir,
                    e.getMessage());
            return;
        }
        try {
            segments().indexed(key, seg.append(key, body));
        } catch (IOException | UncheckedIOException e) {
            // the segment may now end in a torn record: never append to it again
            abandon(seg);
            LOG.warn("response cache: cannot write {} ({}); a rerun will call again", seg.name(), e.getMessage());
        }
    }

    /** The segment of this instance (one task), created on the first reply; closed when the task completes. */
    private synchronized CacheSegments.Segment segment() throws IOException {
        if (segment == null) {
            TaskContext task = TaskContext.get();
            String name = CacheSegments.PREFIX + (task == null ? "driver"
                    : "s" + task.stageId() + "-p" + task.partitionId() + "-a" + task.attemptNumber())
                    + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            segment = segments().newSegment(name);
            if (task != null) {
                CacheSegments.Segment mine = segment;
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> abandon(mine));
            }
        }
        return segment;
    }

    private synchronized void abandon(CacheSegments.Segment seg) {
        seg.close();
        if (segment == seg) {
            segment = null;
        }
    }

    /** Closes this instance's segment (a task's is closed when the task completes). */
    @Override
    public synchronized void close() {
        if (segment != null) {
            abandon(segment);
        }
    }

    private void putFile(String key, byte[] body) {
        String uri = path(key);
        try {
            if (local) {
                putLocal(java.nio.file.Path.of(new Path(uri).toUri()), body);
            } else {
                Fs.writeBytes(uri, body, conf.get());
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("response cache: cannot write {} ({}); a rerun will call again", uri, e.getMessage());
        }
    }

    private static void putLocal(java.nio.file.Path target, byte[] body) throws IOException {
        // (only where one file per reply is asked for locally: benchmarks) no directory check once a shard exists,
        // and a temporary name from a non-blocking random source (UUID.randomUUID serialises every writer on one
        // SecureRandom)
        if (CREATED.add(target.getParent())) {
            Files.createDirectories(target.getParent());
        }
        java.nio.file.Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(tmp, body);
        } catch (NoSuchFileException e) {
            // the shard was removed since this JVM created it (e.g. a cleaned run directory)
            Files.createDirectories(target.getParent());
            Files.write(tmp, body);
        }
        boolean moved = false;
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private String path(String key) {
        return dir + "/" + key.substring(0, 2) + "/" + key + ".json";
    }
}
