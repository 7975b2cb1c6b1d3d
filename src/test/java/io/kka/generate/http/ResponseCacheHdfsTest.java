package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.store.HadoopConf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response cache on HDFS (a MiniDFSCluster in this JVM): replies are appended to an open segment and
 * {@code hflush}ed, and a reader in another JVM finds all of them while the file is still under construction, as
 * the retry of a task whose executor was killed does (HDFS lists a stale length for such a file).
 */
class ResponseCacheHdfsTest {
    private static MiniDFSCluster dfs;
    private static Configuration conf;
    private static String root;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        conf.setInt("dfs.replication", 1);
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        root = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    }

    @AfterAll
    static void stop() {
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    private static byte[] body(int i) {
        return ("{\"created\":" + i + ",\"data\":[{\"b64_json\":\"" + "QUFB".repeat(50 + i) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String key(int i) {
        return String.format("%064x", 1_000_003L * (i + 1));
    }

    @Test
    void repliesFlushedToAnOpenSegmentAreFoundByAnotherJvmThenSealed() throws Exception {
        String dir = root + "/run/cache/chat";
        CacheSegments.forgetAll();
        ResponseCache writer = ResponseCache.at(dir, new HadoopConf(conf));
        for (int i = 0; i < 40; i++) {
            writer.put(key(i), body(i));
        }
        FileSystem fs = dfs.getFileSystem();
        List<FileStatus> open = Arrays.asList(fs.listStatus(new org.apache.hadoop.fs.Path("/run/cache/chat")));
        assertEquals(1, open.size(), open.toString());
        assertEquals(true, open.get(0).getPath().getName().endsWith(".open"), open.toString());
        long flushed = 0;
        for (int i = 0; i < 40; i++) {
            flushed += 14 + 64 + body(i).length;
        }
        assertTrue(open.get(0).getLen() < flushed, "the NameNode lists " + open.get(0).getLen() + " of " + flushed
                + " flushed bytes: a scan must not trust the listed length of an open file");

        // the writer never closes (its executor is killed): another JVM reads what it flushed
        CacheSegments.forgetAll();
        ResponseCache retried = ResponseCache.at(dir, new HadoopConf(conf));
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(body(i), retried.get(key(i)), "reply " + i + " of an open HDFS segment");
        }
        assertNull(retried.get(key(40)));

        writer.close();
        FileStatus[] sealed = fs.listStatus(new org.apache.hadoop.fs.Path("/run/cache/chat"));
        assertEquals(1, sealed.length);
        assertEquals(true, sealed[0].getPath().getName().endsWith(".kkc"), sealed[0].toString());
        CacheSegments.forgetAll();
        ResponseCache later = ResponseCache.at(dir, new HadoopConf(conf));
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(body(i), later.get(key(i)), "reply " + i + " of the sealed segment");
        }
    }

    @Test
    void bothLayoutsKeepEveryReplyAndTheTestPrintsWhatEachPutCosts() throws Exception {
        double[] rate = new double[2];
        for (int layout = 0; layout < 2; layout++) {
            int n = layout == 0 ? 200 : 24; // a file per reply costs NameNode round trips: a few puts/s
            String dir = root + "/layouts/" + layout;
            CacheSegments.forgetAll();
            if (layout == 1) {
                ResponseCache.oneFilePerReply(dir, new HadoopConf(conf));
            }
            long t0 = System.nanoTime();
            try (ResponseCache c = ResponseCache.at(dir, new HadoopConf(conf))) {
                for (int i = 0; i < n; i++) {
                    c.put(key(i), body(i));
                }
            }
            rate[layout] = n / ((System.nanoTime() - t0) / 1e9);
            CacheSegments.forgetAll();
            ResponseCache read = ResponseCache.at(dir, new HadoopConf(conf));
            for (int i = 0; i < n; i++) {
                assertArrayEquals(body(i), read.get(key(i)), "layout " + layout + " reply " + i);
            }
        }
        // a figure, not a timed assertion: HDFS puts per second, segments (write + hflush) vs a file per reply
        // (create, write, close, rename: NameNode round trips)
        System.out.printf("response cache on HDFS: %.0f puts/s with segments, %.0f with one file per reply"
                + " (%.1fx)%n", rate[0], rate[1], rate[0] / rate[1]);
    }
}
