package io.kka.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code quota:}, with a disk that fills up: once {@link #limit(long)} bytes
 * have been written (by every writer of this JVM together: driver and local-mode tasks), every further write fails
 * as a full disk does, with {@code IOException("No space left on device")}. Register it with
 * {@code fs.quota.impl} and {@code fs.quota.impl.disable.cache=true}.
 */
public final class QuotaFileSystem extends RawLocalFileSystem {
    /** The message of a full disk, as the JDK reports ENOSPC. */
    public static final String ENOSPC = "No space left on device";
    private static final AtomicLong WRITTEN = new AtomicLong();
    private static final AtomicLong FAILED = new AtomicLong();
    private static final AtomicLong FAILED_UNDER_CACHE = new AtomicLong();
    private static volatile long limit = Long.MAX_VALUE;
    private static volatile boolean flushable = true;

    /** @param bytes bytes that may still be written from now on (Long.MAX_VALUE: no limit) */
    public static void limit(long bytes) {
        limit = bytes == Long.MAX_VALUE ? Long.MAX_VALUE : WRITTEN.get() + bytes;
        FAILED.set(0);
        FAILED_UNDER_CACHE.set(0);
    }

    /** @return bytes written so far through this scheme */
    public static long written() {
        return WRITTEN.get();
    }

    /** @return writes refused since the last {@link #limit(long)} */
    public static long failedWrites() {
        return FAILED.get();
    }

    /** @return files under a {@code /cache/} directory whose write was refused since the last {@link #limit} */
    public static long failedCacheFiles() {
        return FAILED_UNDER_CACHE.get();
    }

    @Override
    public URI getUri() {
        return URI.create("quota:///");
    }

    @Override
    public String getScheme() {
        return "quota";
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        return counted(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return counted(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, java.util.EnumSet<
            org.apache.hadoop.fs.CreateFlag> flags, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return counted(f, super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize,
                progress));
    }

    @Override
    public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
        return counted(f, super.append(f, bufferSize, progress));
    }

    /**
     * @param on whether this file system's streams offer {@code hflush} (as HDFS's do; the default) or not (as an
     *           object store's do not)
     */
    public static void flushable(boolean on) {
        flushable = on;
    }

    private FSDataOutputStream counted(Path f, FSDataOutputStream raw) throws IOException {
        boolean cache = f.toUri().getPath().contains("/cache/");
        boolean canFlush = flushable;
        return new FSDataOutputStream(new Counted() {
            private boolean refused;

            @Override
            public boolean hasCapability(String capability) {
                return canFlush && raw.hasCapability(capability);
            }

            @Override
            public void hflush() throws IOException {
                raw.hflush();
            }

            @Override
            public void hsync() throws IOException {
                raw.hsync();
            }

            private void take(int n) throws IOException {
                if (WRITTEN.addAndGet(n) > limit) {
                    WRITTEN.addAndGet(-n);
                    if (!refused) {
                        refused = true;
                        FAILED.incrementAndGet();
                        if (cache) {
                            FAILED_UNDER_CACHE.incrementAndGet();
                        }
                    }
                    throw new IOException(ENOSPC);
                }
            }

            @Override
            public void write(int b) throws IOException {
                take(1);
                raw.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                take(len);
                raw.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                raw.flush();
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        }, statistics);
    }

    /** A counting stream that can be flushed for readers like the local file system's own. */
    private abstract static class Counted extends OutputStream implements StreamCapabilities, Syncable {
    }
}
