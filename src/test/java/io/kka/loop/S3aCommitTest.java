package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import io.kka.store.RunLayout;
import io.kka.testing.Fixtures;
import io.kka.testing.RunComparison;
import io.kka.testing.SparkTestSession;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits of the loop on a real S3 API: S3Proxy in this JVM on 127.0.0.1, over jclouds' in-memory blob store, and
 * Hadoop's s3a client, where a directory rename is a copy of every object followed by a delete. A driver killed in
 * the middle of that copy leaves a half-copied {@code iterations/NNN} beside the intact {@code NNN.partial}; the
 * resumed run must not count it as committed, must end with the decisions of an uninterrupted run, and must pay
 * for no endpoint reply twice (the response cache lives on s3a too, written by the tasks).
 */
class S3aCommitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A fresh bucket per JVM, so that nothing of an earlier run can be read. */
    private static final String BUCKET = "kka-s3a-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ACCESS = "kka-test-access";
    /** Random per run; only the S3Proxy of this test accepts it. */
    private static final String SECRET = UUID.randomUUID().toString();
    private static final String PREFIX = "fs.s3a.bucket." + BUCKET + ".";
    private static final List<String> SETTINGS = new ArrayList<>();
    private static S3Proxy proxy;
    private static BlobStoreContext blobs;
    private static Path data;
    private static String previousImpl;

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void startS3(@TempDir Path dir) throws Exception {
        // never ask an EC2 metadata service for credentials or a region: only loopback is ever contacted
        System.setProperty("com.amazonaws.sdk.disableEc2Metadata", "true");
        data = Fixtures.fashionMnist(dir.resolve("fm"), 12, 5);
        blobs = ContextBuilder.newBuilder("transient").credentials("unused", "unused").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(10);
        }
        assertEquals("STARTED", proxy.getState());
        Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
        // per-bucket settings: other tests of this JVM see no change
        set(conf, "endpoint", "http://127.0.0.1:" + proxy.getPort());
        set(conf, "endpoint.region", "us-east-1");
        set(conf, "path.style.access", "true");
        set(conf, "connection.ssl.enabled", "false");
        set(conf, "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        set(conf, "access.key", ACCESS);
        set(conf, "secret.key", SECRET);
        set(conf, "fast.upload.buffer", "bytebuffer");
        set(conf, "attempts.maximum", "2");
        set(conf, "retry.limit", "2");
        set(conf, "connection.establish.timeout", "5000");
        set(conf, "connection.timeout", "20000");
        previousImpl = conf.get("fs.s3a.impl");
        conf.set("fs.s3a.impl", CrashingS3A.class.getName());
        // the tasks' copy of the configuration leaves secrets out and takes them from the executor's own Spark conf
        // (HadoopConf), as spark-submit --conf spark.hadoop.* gives them on a cluster
        SparkConf live = SparkEnv.get().conf();
        for (String k : SETTINGS) {
            live.set("spark.hadoop." + k, conf.get(k));
        }
        forgetExecutorConf();
    }

    private static void set(Configuration conf, String key, String value) {
        conf.set(PREFIX + key, value);
        SETTINGS.add(PREFIX + key);
    }

    /** HadoopConf builds the executor's configuration once per SparkEnv: let it see the settings above. */
    private static void forgetExecutorConf() throws ReflectiveOperationException {
        var f = HadoopConf.class.getDeclaredField("localEnv");
        f.setAccessible(true);
        f.set(null, null);
    }

    @AfterAll
    static void stopS3() throws Exception {
        try {
            Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
            // closed while its settings are still there (a FileSystem.get without them would open a client to AWS)
            FileSystem.get(URI.create("s3a://" + BUCKET + "/"), conf).close();
            SparkConf live = SparkEnv.get().conf();
            for (String k : SETTINGS) {
                conf.unset(k);
                live.remove("spark.hadoop." + k);
            }
            if (previousImpl == null) {
                conf.unset("fs.s3a.impl");
            } else {
                conf.set("fs.s3a.impl", previousImpl);
            }
            forgetExecutorConf();
        } finally {
            try {
                if (proxy != null) {
                    proxy.stop();
                }
            } finally {
                if (blobs != null) {
                    blobs.close();
                }
            }
        }
    }

    private static JobConfig cfg(String run, FakeEndpointServer server) {
        return ConfigLoader.parse("", "test", List.of("run.dir=" + run, "run.iterations=2", "run.lease_ttl_s=1",
                "data.path=" + data, "task.normal_classes=[Trouser]", "task.val_fraction=0.5",
                "llm.provider=openai", "llm.base_url=" + server.openAiBaseUrl(), "llm.model=fake-llm",
                "llm.http.backoff_initial_ms=20", "llm.http.backoff_max_ms=200",
                "images.provider=automatic1111", "images.base_url=" + server.automatic1111BaseUrl(),
                "images.model=fake-sd", "images.size=64x64", "images.steps=20",
                "images.http.backoff_initial_ms=20", "images.http.backoff_max_ms=200"));
    }

    private Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    private String s3(String key) {
        return "s3a://" + BUCKET + "/" + key;
    }

    /** A new s3a client for the bucket, as a restarted driver has. */
    private void newClient() throws IOException {
        FileSystem.get(URI.create(s3("")), conf()).close();
    }

    @Test
    void aDriverKilledMidCopyResumesToTheSameRunAndPaysNothingTwice() throws Exception {
        try (FakeEndpointServer a = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()));
             FakeEndpointServer b = FakeEndpointServer.start(FakeEndpointServer.Options.of(FaultMix.none()))) {
            String straight = s3("straight");
            String crashed = s3("crashed");
            ObjectNode ma = KkaLoop.of(cfg(straight, a), samples -> new FakeHttpStages(spark, cfg(straight, a)))
                    .run(spark, false, Integer.MAX_VALUE);
            RunLayout la = new RunLayout(straight);
            for (int t = 0; t <= 2; t++) {
                for (String f : List.of("iteration.json", "metrics.json", Checkpoints.MARKER, "anomaly_set",
                        "pairs.trl.jsonl", "evaluator/mu.txt")) {
                    assertTrue(Fs.exists(la.iteration(t, f), conf()), la.iteration(t, f) + " missing on s3a");
                }
                assertFalse(Fs.exists(la.iteration(t) + ".partial", conf()), "a partial directory was left");
            }
            assertEquals(2, Checkpoints.of(la, conf()).lastComplete());
            assertTrue(Fs.exists(la.metrics(), conf()) && Fs.exists(la.state(), conf()));
            assertFalse(Fs.exists(la.path("_lease.json"), conf()), "the lease is released at the end");
            assertEquals(3, JSON.readTree(Fs.readString(la.metrics(), conf())).path("iterations").size());
            assertTrue(a.charges() > 0);

            // the driver dies while s3a copies iterations/001.partial to iterations/001
            CrashingS3A.killAt(crashed + "/iterations/001.partial");
            assertThrows(DriverKilled.class, () -> KkaLoop.of(cfg(crashed, b),
                    samples -> new FakeHttpStages(spark, cfg(crashed, b))).run(spark, false, Integer.MAX_VALUE));
            assertTrue(CrashingS3A.copied.get() > 0 && CrashingS3A.copied.get() < CrashingS3A.total.get(),
                    "copied " + CrashingS3A.copied + " of " + CrashingS3A.total);
            newClient();
            RunLayout lb = new RunLayout(crashed);
            assertTrue(Fs.exists(lb.iteration(1, "iteration.json"), conf()), "iteration 1 is half-copied");
            assertFalse(Fs.exists(lb.iteration(1, Checkpoints.MARKER), conf()));
            assertTrue(Fs.exists(lb.iteration(1) + ".partial/iteration.json", conf()), "the source is intact");
            assertEquals(0, Checkpoints.of(lb, conf()).lastComplete(), "the half-copied 001 is not committed");

            // a fresh start on that directory is refused by any trace of the run, not only its config.yaml
            Fs.delete(lb.config(), conf());
            InvalidInputException fresh = assertThrows(InvalidInputException.class, () -> KkaLoop.of(cfg(crashed, b),
                    samples -> new FakeHttpStages(spark, cfg(crashed, b))).run(spark, false, Integer.MAX_VALUE));
            assertTrue(fresh.getMessage().contains("already holds a run (last complete iteration 0)"),
                    fresh.getMessage());

            // what a killed driver leaves: its lease, whose heartbeat stopped
            Fs.writeString(lb.path("_lease.json"), CrashingS3A.lease, conf());
            newClient();
            Map<String, Integer> paidBeforeResume = b.chargedKeyHits();
            ObjectNode mb = KkaLoop.of(cfg(crashed, b), samples -> new FakeHttpStages(spark, cfg(crashed, b)))
                    .run(spark, true, Integer.MAX_VALUE);

            assertEquals(2, Checkpoints.of(lb, conf()).lastComplete());
            assertFalse(Fs.exists(lb.iteration(1) + ".partial", conf()));
            assertFalse(Fs.exists(lb.path("_lease.json"), conf()), "the lease is released at the end");
            // every reply paid before the kill came from the s3a response cache after it
            assertEquals(0, b.hitsSince(paidBeforeResume), "a reply paid before the kill was requested again");
            assertEquals(0, b.keysChargedTwice(), "a reply was paid twice");
            assertEquals(a.keys(), b.keys(), "the two runs made different requests");
            assertEquals(a.charges(), b.charges(), "the two runs paid for different numbers of replies");
            // the same decisions in every iteration; numbers to RunComparison's stated relative tolerance (the
            // fake evaluator's mean is a Spark avg, whose partial sums merge in shuffle-fetch order)
            for (int t = 0; t <= 2; t++) {
                RunComparison.assertSameDecisions(spark, la.iteration(t), lb.iteration(t));
                for (String k : List.of("lm", "representatives", "generation", "baseline", "new_generation",
                        "anomaly_set", "probe", "dpo_effect", "threshold", "pairs", "evaluation")) {
                    RunComparison.assertClose(ma.get("iterations").get(t).get(k), mb.get("iterations").get(t).get(k),
                            "iteration " + t + " " + k);
                }
            }
            RunComparison.assertClose(ma.get("final"), mb.get("final"), "final");
            JsonNode state = JSON.readTree(Fs.readString(lb.state(), conf()));
            assertEquals(2, state.path("last_complete_iteration").asInt(), state.toString());
        }
    }

    /** What the test throws where a real driver would have been killed: nothing catches an Error on the way. */
    static final class DriverKilled extends Error {
        private static final long serialVersionUID = 1L;

        DriverKilled(String what) {
            super(what);
        }
    }

    /**
     * s3a with one injected fault: the rename of one directory copies part of its objects (each a whole object, as
     * S3 copies them) and then the driver "dies". The lease file is saved as the killed driver left it.
     */
    public static final class CrashingS3A extends S3AFileSystem {
        static final AtomicInteger copied = new AtomicInteger();
        static final AtomicInteger total = new AtomicInteger();
        private static volatile String killAt;
        static volatile String lease;

        static void killAt(String dir) {
            killAt = dir;
            copied.set(0);
            total.set(0);
        }

        @Override
        public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
            String at = killAt;
            if (at == null || !makeQualified(src).toString().equals(at)) {
                return super.rename(src, dst);
            }
            killAt = null;
            List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = listFiles(src, true);
            while (it.hasNext()) {
                files.add(it.next().getPath());
            }
            files.sort(null);
            // the small records first (a naive "the directory exists" check would be fooled), then half the rest
            files.sort((x, y) -> Boolean.compare(!x.getName().endsWith(".json"), !y.getName().endsWith(".json")));
            total.set(files.size());
            String base = makeQualified(src).toString();
            for (org.apache.hadoop.fs.Path f : files.subList(0, files.size() / 2)) {
                org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dst + f.toString()
                        .substring(base.length()));
                FileUtil.copy(this, f, this, target, false, getConf());
                copied.incrementAndGet();
            }
            org.apache.hadoop.fs.Path leaseFile = new org.apache.hadoop.fs.Path(src.getParent().getParent(),
                    "_lease.json");
            try (var in = open(leaseFile)) {
                lease = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new DriverKilled("killed while copying " + src + " to " + dst + " (" + copied + " of "
                    + files.size() + " objects copied)");
        }
    }
}
