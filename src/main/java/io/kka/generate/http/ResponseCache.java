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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoint replies kept on the run directory (any Hadoop FS), one small file per request key, written atomically
 * (temporary sibling, then rename) as soon as a checked reply arrives.
 *
 * <p>One file per key rather than one per partition: a task that dies half-way has already stored every reply
 * it got, so the retried task (or a rerun of the stage with the same seed, whatever its partitioning) makes no
 * repeated call. Files sit under {@code DIR/<first two hex digits>/<key>.json} to keep directories small. Keys
 * are SHA-256 digests of the request without its credentials ({@link CallRequest}); a reply is stored only
 * after it passed the protocol's check, so malformed replies are never replayed. A cache that cannot be read or
 * written is logged and bypassed: it never fails a row.
 *
 * <p>A directory on the local file system is written with java.nio: Hadoop's local file system forks a
 * {@code chmod} process for every file it creates when the native Hadoop library is absent (tens of
 * milliseconds per reply). Every other file system goes through Hadoop.
 */
public final class ResponseCache implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    /** Shard directories this JVM has created (or found) already. */
    private static final java.util.Set<java.nio.file.Path> CREATED = ConcurrentHashMap.newKeySet();
    private final String dir;
    private final boolean local;
    private final HadoopConf conf;

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

    /** @return the cache directory, fully qualified */
    public String dir() {
        return dir;
    }

    /**
     * @param key request key (hex)
     * @return the stored reply, or null when there is none (or it cannot be read)
     */
    public byte[] get(String key) {
        String uri = path(key);
        try {
            if (local) {
                // a miss is the common case on a first run: test for the file instead of throwing
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
     * Stores a checked reply; a failure is logged, not thrown.
     *
     * @param key  request key (hex)
     * @param body the reply body
     */
    public void put(String key, byte[] body) {
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
        // one reply per request on the hot path: no directory check once a shard exists, and a temporary name
        // from a non-blocking random source (UUID.randomUUID serialises every writer on one SecureRandom)
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
