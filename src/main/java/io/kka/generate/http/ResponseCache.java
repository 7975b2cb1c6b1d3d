package io.kka.generate.http;

import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
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
 */
public final class ResponseCache implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private final String dir;
    private final HadoopConf conf;

    private ResponseCache(String dir, HadoopConf conf) {
        this.dir = dir;
        this.conf = conf;
    }

    /**
     * @param dir  cache directory, e.g. {@code RunLayout.cache() + "/chat"}
     * @param conf Hadoop configuration for the executors
     * @return the cache
     */
    public static ResponseCache at(String dir, HadoopConf conf) {
        return new ResponseCache(dir, conf);
    }

    /** @return the cache directory */
    public String dir() {
        return dir;
    }

    /**
     * @param key request key (hex)
     * @return the stored reply, or null when there is none (or it cannot be read)
     */
    public byte[] get(String key) {
        String uri = path(key);
        try (InputStream in = Fs.fs(uri, conf.get()).open(new Path(uri))) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
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
        try {
            Fs.writeBytes(path(key), body, conf.get());
        } catch (UncheckedIOException e) {
            LOG.warn("response cache: cannot write {} ({}); a rerun will call again", path(key), e.getMessage());
        }
    }

    private String path(String key) {
        return Fs.child(Fs.child(dir, key.substring(0, 2)), key + ".json");
    }
}
