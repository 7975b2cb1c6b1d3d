package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.store.HadoopConf;
import io.kka.testing.QuotaFileSystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link ResponseCache} and its segments: a reply kept by one task is found by the next task and by
 * another JVM; torn, damaged and hostile segments are misses, never errors or huge allocations; the one-file-per-reply
 * layout is written where a file system cannot flush an open file and still read everywhere.
 */
class ResponseCacheTest {
    @TempDir
    Path tmp;
    private final Configuration conf = new Configuration();

    @BeforeEach
    void quota() {
        conf.set("fs.quota.impl", QuotaFileSystem.class.getName());
        conf.setBoolean("fs.quota.impl.disable.cache", true);
        CacheSegments.forgetAll();
    }

    @AfterEach
    void reset() {
        QuotaFileSystem.limit(Long.MAX_VALUE);
        QuotaFileSystem.flushable(true);
    }

    private ResponseCache cache(String dir) {
        return ResponseCache.at(dir, new HadoopConf(conf));
    }

    private static String key(int i) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("request " + i).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] body(int i) {
        return ("{\"choices\":[{\"message\":{\"content\":\"reply " + i + "\"}}]}").repeat(1 + i % 5)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aReplyKeptByOneTaskIsFoundByTheNextTaskAndByAnotherJvmFromOneSegment() throws IOException {
        Path dir = tmp.resolve("chat");
        ResponseCache writer = cache(dir.toString());
        for (int i = 0; i < 50; i++) {
            writer.put(key(i), body(i));
        }
        // the writer's task is still running: its segment is open, every reply already on the file system
        ResponseCache nextTask = cache(dir.toString());
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(body(i), nextTask.get(key(i)), "reply " + i);
        }
        assertNull(nextTask.get(key(50)));
        assertTrue(files(dir).get(0).getFileName().toString().endsWith(".open"), "open while its task runs");
        CacheSegments.forgetAll();
        ResponseCache otherJvm = cache(dir.toString());
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(body(i), otherJvm.get(key(i)), "reply " + i + " read by a fresh index");
        }
        writer.close();
        List<Path> files = files(dir);
        assertEquals(1, files.size(), "one segment for 50 replies: " + files);
        assertTrue(files.get(0).getFileName().toString().matches("seg-driver-[0-9a-f]+\\.kkc"), "sealed: " + files);
    }

    @Test
    void aTornLastRecordIsAMissAndItsRetryGoesToANewSegment() throws IOException {
        Path dir = tmp.resolve("chat");
        try (ResponseCache c = cache(dir.toString())) {
            for (int i = 0; i < 3; i++) {
                c.put(key(i), body(i));
            }
        }
        Path seg = files(dir).get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() - 5); // the writer died in the middle of its last reply
        }
        CacheSegments.forgetAll();
        try (ResponseCache retried = cache(dir.toString())) {
            assertArrayEquals(body(0), retried.get(key(0)));
            assertArrayEquals(body(1), retried.get(key(1)));
            assertNull(retried.get(key(2)), "a torn reply is a miss");
            retried.put(key(2), body(2));
        }
        CacheSegments.forgetAll();
        ResponseCache later = cache(dir.toString());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(body(i), later.get(key(i)), "reply " + i);
        }
        assertEquals(2, files(dir).size(), "the retry wrote a segment of its own");
    }

    @Test
    void aDamagedBodyFailsItsChecksumAndIsAMiss() throws IOException {
        Path dir = tmp.resolve("chat");
        try (ResponseCache c = cache(dir.toString())) {
            c.put(key(0), body(0));
            c.put(key(1), body(1));
        }
        Path seg = files(dir).get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(f.length() - 3);
            int b = f.read();
            f.seek(f.length() - 3);
            f.write(b ^ 0x20);
        }
        CacheSegments.forgetAll();
        ResponseCache c = cache(dir.toString());
        assertArrayEquals(body(0), c.get(key(0)));
        assertNull(c.get(key(1)), "a body that fails its checksum is never replayed");
    }

    @Test
    void hostileSegmentsAreMissesNotAllocations() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("chat"));
        byte[] k = key(7).getBytes(StandardCharsets.US_ASCII);
        // a record declaring a 2 GiB body in a file of 78 bytes
        ByteBuffer huge = ByteBuffer.allocate(14 + k.length).putInt(0x4B4B4352).putShort((short) k.length)
                .putInt(Integer.MAX_VALUE).putInt(0).put(k);
        Files.write(dir.resolve("seg-huge.kkc"), huge.array());
        // not a segment at all, then a good record after it that must not be trusted either
        Files.write(dir.resolve("seg-junk.kkc"), "PK\u0003\u0004 not a cache segment".getBytes(StandardCharsets.UTF_8));
        ResponseCache c = cache(dir.toString());
        assertNull(c.get(key(7)));
        c.put(key(8), body(8));
        assertArrayEquals(body(8), cache(dir.toString()).get(key(8)), "good segments beside bad ones still count");
        c.close();
    }

    @Test
    void theOneFilePerReplyLayoutOfEarlierVersionsIsStillRead() throws IOException {
        Path dir = tmp.resolve("chat");
        String k = key(3);
        Files.createDirectories(dir.resolve(k.substring(0, 2)));
        Files.write(dir.resolve(k.substring(0, 2)).resolve(k + ".json"), body(3));
        ResponseCache c = cache(dir.toString());
        assertArrayEquals(body(3), c.get(k));
        assertNull(c.get(key(4)));
    }

    @Test
    void onAFileSystemThatCannotFlushAnOpenFileEachReplyIsItsOwnFile() throws IOException {
        QuotaFileSystem.flushable(false); // as s3a: an object exists only once closed
        Path dir = tmp.resolve("cache/chat");
        try (ResponseCache c = cache("quota://" + dir)) {
            for (int i = 0; i < 3; i++) {
                c.put(key(i), body(i));
            }
        }
        List<Path> files = files(dir);
        assertEquals(3, files.size(), files.toString());
        files.forEach(f -> assertTrue(f.getFileName().toString().endsWith(".json"), f.toString()));
        CacheSegments.forgetAll();
        ResponseCache c = cache("quota://" + dir);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(body(i), c.get(key(i)), "reply " + i);
        }
    }

    @Test
    void aFullDiskAbandonsTheSegmentAndKeepsWhatWasAlreadyWritten() throws IOException {
        Path dir = tmp.resolve("cache/chat");
        String uri = "quota://" + dir;
        try (ResponseCache c = cache(uri)) {
            c.put(key(0), body(0));
            c.put(key(1), body(1));
            QuotaFileSystem.limit(0);
            c.put(key(2), body(2)); // refused: logged, not thrown
            assertEquals(1, QuotaFileSystem.failedCacheFiles());
            QuotaFileSystem.limit(Long.MAX_VALUE);
            c.put(key(3), body(3));
        }
        CacheSegments.forgetAll();
        ResponseCache c = cache(uri);
        assertArrayEquals(body(0), c.get(key(0)));
        assertArrayEquals(body(1), c.get(key(1)));
        assertNull(c.get(key(2)), "the refused reply was not kept");
        assertArrayEquals(body(3), c.get(key(3)));
        assertEquals(2, files(dir).stream().filter(f -> f.getFileName().toString().endsWith(".kkc")).count(),
                "the segment a write failed in was abandoned for a new one: " + files(dir));
    }
}
