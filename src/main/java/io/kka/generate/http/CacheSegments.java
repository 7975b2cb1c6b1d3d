package io.kka.generate.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache's append-only segments: each task that stores replies appends them, one record each, to a
 * segment of its own, flushed to the file system before the reply counts as received; readers index every
 * segment's records by request key once per task.
 *
 * <p>A segment is {@code DIR/seg-<task>-<random>.open} while its task writes it (or after its task died) and is
 * renamed to {@code .kkc} when the task closes it: a sealed segment never changes again, so its listed length is
 * exact and it is read once per JVM. An open one is read up to where its bytes end (on HDFS a file under
 * construction lists a stale length; its flushed bytes are readable all the same), which is how the retry of a
 * killed task finds every reply the dead task kept.
 *
 * <p>A record is {@code magic(4) keyLength(2) bodyLength(4) crc32c(body)(4) key body}, big-endian. A writer appends
 * whole records and abandons its segment after a failed write, so a segment holds complete records followed by at
 * most one torn record (a task killed mid-write, a full disk): the scan stops there, and the torn reply is simply a
 * miss. A record's checksum is checked when its body is read; a mismatch is a miss too. A declared length is
 * checked against the bytes that exist before anything is allocated.
 *
 * <p>The index lives in the executor JVM, per cache directory: each refresh lists the directory and reads only the
 * record headers past what it has already read, so a task's lookup costs one listing plus the new headers, not a
 * read of the whole cache. It holds about 200 bytes per reply.
 */
final class CacheSegments {
    private static final Logger LOG = LoggerFactory.getLogger(CacheSegments.class);
    static final String PREFIX = "seg-";
    static final String OPEN = ".open";
    static final String SEALED = ".kkc";
    private static final int MAGIC = 0x4B4B4352; // "KKCR"
    private static final int HEADER = 14;
    private static final int MAX_KEY = 256;
    private static final long UNKNOWN = Long.MAX_VALUE;
    /** Cache directories indexed in this JVM; the least recently used are dropped past this many. */
    private static final int DIRS = 16;
    private static final Map<String, CacheSegments> BY_DIR = new LinkedHashMap<>(DIRS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CacheSegments> eldest) {
            return size() > DIRS;
        }
    };

    /** Where a stored body lies: the segment (its path without the suffix), the offset, length and checksum. */
    record Loc(String segment, long offset, int length, int crc) {
    }

    private final String dir;
    private final Store store;
    /** bytes of each segment already scanned (complete records only), by segment path without suffix */
    private final Map<String, Long> scanned = new HashMap<>();
    private final java.util.Set<String> sealed = new java.util.HashSet<>();
    private final Map<String, Loc> index = new HashMap<>();

    private CacheSegments(String dir, Store store) {
        this.dir = dir;
        this.store = store;
    }

    /**
     * @param dir   the cache directory, qualified
     * @param local true for the local file system (read and written with java.nio)
     * @param conf  Hadoop configuration for every other file system
     * @return this JVM's index of the directory
     */
    static CacheSegments of(String dir, boolean local, Configuration conf) {
        synchronized (BY_DIR) {
            return BY_DIR.computeIfAbsent(dir, d -> new CacheSegments(d, local ? new LocalStore(d)
                    : new HadoopStore(d, conf)));
        }
    }

    /**
     * Reads the record headers written since the last refresh (new segments, and the tails of open ones).
     *
     * @return true if the directory also holds the older one-file-per-reply layout ({@code DIR/xx/KEY.json})
     * @throws IOException listing the directory
     */
    synchronized boolean refresh() throws IOException {
        long t0 = System.nanoTime();
        Listing listing = store.list();
        // segments removed since (a cleaned directory): forget their replies; a segment this JVM created after
        // the listing was never scanned, so its replies stay
        java.util.Set<String> gone = new java.util.HashSet<>(scanned.keySet());
        gone.removeAll(listing.segments().keySet());
        if (!gone.isEmpty()) {
            scanned.keySet().removeAll(gone);
            sealed.removeAll(gone);
            index.values().removeIf(l -> gone.contains(l.segment()));
        }
        int added = 0;
        for (Map.Entry<String, Long> seg : listing.segments().entrySet()) {
            String base = seg.getKey();
            boolean isSealed = seg.getValue() >= 0;
            long from = scanned.getOrDefault(base, 0L);
            if (isSealed) {
                sealed.add(base);
                if (seg.getValue() > from) {
                    added += scan(base, from, seg.getValue());
                }
            } else if (from != UNKNOWN) {
                added += scan(base, from, UNKNOWN);
            }
        }
        LOG.debug("response cache {}: {} replies in {} segments ({} new) indexed in {} ms", dir, index.size(),
                scanned.size(), added, (System.nanoTime() - t0) / 1_000_000);
        return listing.legacyShards();
    }

    /** Scans records from {@code from} up to {@code length} (UNKNOWN: up to where the segment's bytes end). */
    private int scan(String base, long from, long length) throws IOException {
        int added = 0;
        long pos = from;
        try (Store.Reader r = reader(base)) {
            byte[] head = new byte[HEADER];
            byte[] last = new byte[1];
            while (pos + HEADER <= length) {
                try {
                    r.read(pos, head);
                } catch (EOFException e) {
                    break;
                }
                ByteBuffer h = ByteBuffer.wrap(head);
                int magic = h.getInt();
                int keyLen = Short.toUnsignedInt(h.getShort());
                int bodyLen = h.getInt();
                int crc = h.getInt();
                if (magic != MAGIC || keyLen < 1 || keyLen > MAX_KEY || bodyLen < 0) {
                    LOG.warn("response cache: {} is damaged at byte {}; its later records are ignored", base, pos);
                    pos = UNKNOWN;
                    break;
                }
                long end = pos + HEADER + keyLen + (long) bodyLen;
                if (end > length) {
                    break; // torn: a writer died or the disk filled mid-record
                }
                byte[] key = new byte[keyLen];
                try {
                    r.read(pos + HEADER, key);
                    r.read(end - 1, last); // the whole record exists (or is still being written)
                } catch (EOFException e) {
                    break;
                }
                index.put(new String(key, StandardCharsets.US_ASCII), new Loc(base, pos + HEADER + keyLen, bodyLen,
                        crc));
                added++;
                pos = end;
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            // removed since the listing
        }
        scanned.put(base, pos);
        return added;
    }

    /** Opens a segment where it is now: sealed, or still open (then possibly sealed since). */
    private Store.Reader reader(String base) throws IOException {
        if (sealed.contains(base)) {
            return store.reader(base + SEALED);
        }
        try {
            return store.reader(base + OPEN);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return store.reader(base + SEALED);
        }
    }

    /**
     * @param key request key
     * @return the stored body, or null (not stored, torn, or its checksum does not match)
     * @throws IOException reading the segment
     */
    byte[] get(String key) throws IOException {
        Loc loc;
        synchronized (this) {
            loc = index.get(key);
        }
        if (loc == null) {
            return null;
        }
        byte[] body = new byte[loc.length()];
        Store.Reader r;
        try {
            synchronized (this) {
                r = reader(loc.segment());
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
        try (r) {
            r.read(loc.offset(), body);
        } catch (EOFException e) {
            return null;
        }
        if (crc(body) != loc.crc()) {
            LOG.warn("response cache: the reply stored in {} at byte {} fails its checksum; calling the endpoint",
                    loc.segment(), loc.offset());
            return null;
        }
        return body;
    }

    /** Records a reply this JVM has just appended, so that its own later lookups find it without a refresh. */
    synchronized void indexed(String key, Loc loc) {
        index.put(key, loc);
    }

    /**
     * @param name the segment's file name without suffix ({@code seg-…})
     * @return a new open segment of this directory, for one writer (one task)
     * @throws IOException creating it
     * @throws UnsupportedOperationException if the file system cannot flush an open file (object stores)
     */
    Segment newSegment(String name) throws IOException {
        return new Segment(store.create(name + OPEN));
    }

    private static int crc(byte[] body) {
        CRC32C c = new CRC32C();
        c.update(body);
        return (int) c.getValue();
    }

    /** One writer's segment: appends whole records; after a failed write it must be abandoned. */
    final class Segment implements AutoCloseable {
        private final Store.Appender out;
        private final String base;
        private long length;
        private boolean closed;

        private Segment(Store.Appender out) {
            this.out = out;
            this.base = out.name().substring(0, out.name().length() - OPEN.length());
        }

        /**
         * Appends a record and flushes it to the file system (visible to other readers, and kept if this process
         * dies next).
         *
         * @return where its body lies
         * @throws IOException writing; the segment is then torn and must not be written again
         */
        synchronized Loc append(String key, byte[] body) throws IOException {
            if (closed) {
                throw new IOException(out.name() + " is closed");
            }
            byte[] k = key.getBytes(StandardCharsets.US_ASCII);
            if (k.length < 1 || k.length > MAX_KEY) {
                throw new IllegalArgumentException("cache key of " + k.length + " bytes");
            }
            ByteBuffer rec = ByteBuffer.allocate(HEADER + k.length + body.length);
            int crc = crc(body);
            rec.putInt(MAGIC).putShort((short) k.length).putInt(body.length).putInt(crc).put(k).put(body).flip();
            out.appendAndFlush(rec);
            Loc loc = new Loc(base, length + HEADER + k.length, body.length, crc);
            length += rec.capacity();
            return loc;
        }

        /** @return the segment's file while it is open */
        String name() {
            return out.name();
        }

        /** Closes and seals the segment ({@code .open} → {@code .kkc}); failures are logged. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
                store.rename(base + OPEN, base + SEALED);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("response cache: cannot close {} ({}); it stays readable as it is", out.name(),
                        e.getMessage());
            }
        }
    }

    /**
     * What a listing found.
     *
     * @param segments     by path without suffix: a sealed segment's length, or -1 for an open one
     * @param legacyShards whether one-file-per-reply shard directories exist
     */
    private record Listing(Map<String, Long> segments, boolean legacyShards) {
    }

    /** Adds a listed file to {@code segments} if it is a segment; a sealed one wins over an open one. */
    private static void listed(Map<String, Long> segments, String path, String fileName, long length) {
        if (!fileName.startsWith(PREFIX)) {
            return;
        }
        if (fileName.endsWith(SEALED)) {
            segments.put(path.substring(0, path.length() - SEALED.length()), length);
        } else if (fileName.endsWith(OPEN)) {
            segments.putIfAbsent(path.substring(0, path.length() - OPEN.length()), -1L);
        }
    }

    /** The file operations the segments need, on the local file system or through Hadoop. */
    private interface Store {
        Listing list() throws IOException;

        Reader reader(String segment) throws IOException;

        /** @throws UnsupportedOperationException if the file system cannot flush an open file (object stores) */
        Appender create(String name) throws IOException;

        void rename(String from, String to) throws IOException;

        interface Reader extends AutoCloseable {
            void read(long position, byte[] into) throws IOException;

            @Override
            void close() throws IOException;
        }

        interface Appender extends AutoCloseable {
            String name();

            void appendAndFlush(ByteBuffer record) throws IOException;

            @Override
            void close() throws IOException;
        }
    }

    private static boolean isShard(String fileName) {
        return fileName.length() == 2 && Character.digit(fileName.charAt(0), 16) >= 0
                && Character.digit(fileName.charAt(1), 16) >= 0;
    }

    /** java.nio: Hadoop's local file system forks a process per created file without its native library. */
    private static final class LocalStore implements Store {
        private final java.nio.file.Path dir;

        LocalStore(String dir) {
            this.dir = java.nio.file.Path.of(new Path(dir).toUri());
        }

        @Override
        public Listing list() throws IOException {
            Map<String, Long> segments = new HashMap<>();
            boolean shards = false;
            try (DirectoryStream<java.nio.file.Path> ds = Files.newDirectoryStream(dir)) {
                for (java.nio.file.Path p : ds) {
                    String n = p.getFileName().toString();
                    if (n.startsWith(PREFIX)) {
                        try {
                            listed(segments, p.toString(), n, Files.size(p));
                        } catch (NoSuchFileException e) {
                            // sealed or removed while listing: the next refresh sees it
                        }
                    } else if (isShard(n) && Files.isDirectory(p)) {
                        shards = true;
                    }
                }
            } catch (NoSuchFileException e) {
                return new Listing(Map.of(), false);
            }
            return new Listing(segments, shards);
        }

        @Override
        public Reader reader(String segment) throws IOException {
            FileChannel ch = FileChannel.open(java.nio.file.Path.of(segment), StandardOpenOption.READ);
            return new Reader() {
                @Override
                public void read(long position, byte[] into) throws IOException {
                    ByteBuffer b = ByteBuffer.wrap(into);
                    while (b.hasRemaining()) {
                        if (ch.read(b, position + b.position()) < 0) {
                            throw new EOFException(segment + " ends before byte " + (position + into.length));
                        }
                    }
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public Appender create(String name) throws IOException {
            Files.createDirectories(dir);
            java.nio.file.Path file = dir.resolve(name);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new Appender() {
                @Override
                public String name() {
                    return file.toString();
                }

                @Override
                public void appendAndFlush(ByteBuffer record) throws IOException {
                    // a channel write is a system call: once it returns, the bytes are the kernel's, and survive
                    // this process
                    while (record.hasRemaining()) {
                        ch.write(record);
                    }
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void rename(String from, String to) throws IOException {
            Files.move(java.nio.file.Path.of(from), java.nio.file.Path.of(to), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Any Hadoop file system whose open files can be flushed for readers (HDFS: hflush). */
    private static final class HadoopStore implements Store {
        private final Path dir;
        private final Configuration conf;

        HadoopStore(String dir, Configuration conf) {
            this.dir = new Path(dir);
            this.conf = conf;
        }

        private FileSystem fs() throws IOException {
            return dir.getFileSystem(conf);
        }

        @Override
        public Listing list() throws IOException {
            FileStatus[] all;
            try {
                all = fs().listStatus(dir);
            } catch (java.io.FileNotFoundException e) {
                return new Listing(Map.of(), false);
            }
            Map<String, Long> segments = new HashMap<>();
            boolean shards = false;
            for (FileStatus s : all) {
                String n = s.getPath().getName();
                if (s.isFile()) {
                    listed(segments, s.getPath().toString(), n, s.getLen());
                } else if (s.isDirectory() && isShard(n)) {
                    shards = true;
                }
            }
            return new Listing(segments, shards);
        }

        @Override
        public Reader reader(String segment) throws IOException {
            FSDataInputStream in = fs().open(new Path(segment));
            return new Reader() {
                @Override
                public void read(long position, byte[] into) throws IOException {
                    in.readFully(position, into);
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }

        @Override
        public Appender create(String name) throws IOException {
            Path file = new Path(dir, name);
            FileSystem fs = fs();
            FSDataOutputStream out = fs.create(file, false);
            if (!out.hasCapability(StreamCapabilities.HFLUSH)) {
                out.close();
                fs.delete(file, false);
                throw new UnsupportedOperationException(fs.getScheme() + " cannot flush an open file");
            }
            String qualified = fs.makeQualified(file).toString();
            return new Appender() {
                @Override
                public String name() {
                    return qualified;
                }

                @Override
                public void appendAndFlush(ByteBuffer record) throws IOException {
                    out.write(record.array(), record.arrayOffset() + record.position(), record.remaining());
                    record.position(record.limit());
                    out.hflush();
                }

                @Override
                public void close() throws IOException {
                    ((OutputStream) out).close();
                }
            };
        }

        @Override
        public void rename(String from, String to) throws IOException {
            if (!fs().rename(new Path(from), new Path(to))) {
                throw new IOException("cannot rename " + from + " to " + to);
            }
        }
    }

    /** Drops every index of this JVM, as a new executor JVM starts without one (tests). */
    static void forgetAll() {
        synchronized (BY_DIR) {
            BY_DIR.clear();
        }
    }

    /** @return the segments this JVM has indexed for {@code dir} (tests) */
    static List<String> indexedSegments(String dir) {
        CacheSegments s;
        synchronized (BY_DIR) {
            s = BY_DIR.get(dir);
        }
        if (s == null) {
            return List.of();
        }
        synchronized (s) {
            return new ArrayList<>(s.scanned.keySet());
        }
    }
}
