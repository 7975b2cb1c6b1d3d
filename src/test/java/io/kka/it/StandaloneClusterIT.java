package io.kka.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.bench.fake.FakeEndpointServer;
import io.kka.bench.fake.FaultMix;
import io.kka.testing.SparkTestSession;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster: {@code submit/standalone-cluster.sh} starts a master and two workers
 * on 127.0.0.1 (free ports, logs under target/spark-cluster-it), {@code submit/kka-submit} submits the application
 * jar with two one-core executors (separate JVMs), and the cluster is stopped afterwards even when a test fails.
 *
 * <p>Data: real Fashion-MNIST images from the Debian package dataset-fashion-mnist: the first
 * {@value #TRAIN} training and {@value #TEST} test records, copied into the exact published format (gzipped IDX
 * files with adjusted counts) so that the test stays within minutes on a 2-core machine; the expected counts per
 * role and split are computed from those files' labels.
 */
class StandaloneClusterIT {
    private static final Path PROJECT = Path.of(System.getProperty("kka.project.dir", ".")).toAbsolutePath();
    private static final Path APP_JAR = Path.of(System.getProperty("kka.app.jar",
            "target/kka-on-spark-0.1.0-SNAPSHOT-app.jar")).toAbsolutePath();
    private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final Path CLUSTER = PROJECT.resolve("target/spark-cluster-it");
    private static final int TRAIN = 6000;
    private static final int TEST = 1000;
    private static final int TROUSER = 1;
    private static final Map<String, String> ENV = new HashMap<>();
    private static String master;

    @BeforeAll
    static void startCluster() throws Exception {
        assertTrue(Files.isRegularFile(APP_JAR), "application jar " + APP_JAR + " missing (run mvn package)");
        assertTrue(Files.isRegularFile(FMNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST missing: apt-get install dataset-fashion-mnist");
        Files.createDirectories(CLUSTER);
        int masterPort = freePorts(1);
        int ui = freePorts(3);
        ENV.put("KKA_CLUSTER_DIR", CLUSTER.toString());
        ENV.put("KKA_MASTER_PORT", String.valueOf(masterPort));
        ENV.put("KKA_MASTER_WEBUI_PORT", String.valueOf(ui));
        ENV.put("KKA_WORKER_WEBUI_PORT", String.valueOf(ui + 1));
        ENV.put("KKA_WORKER_MEMORY", "1536m");
        ENV.put("KKA_SPARK_SUBMIT", "builtin");
        ENV.put("SPARK_LOCAL_IP", "127.0.0.1");
        master = "spark://127.0.0.1:" + masterPort;
        Shell.Result r = script("start", 240);
        assertEquals(0, r.exit(), "cluster start failed:\n" + r.tail());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (ENV.isEmpty()) {
            return;
        }
        Shell.Result r = script("stop", 120);
        assertEquals(0, r.exit(), "cluster stop failed:\n" + r.tail());
        for (String d : new String[] {"master", "worker-1", "worker-2"}) {
            assertTrue(Files.notExists(CLUSTER.resolve(d + ".pid")), d + " still has a pid file");
        }
    }

    private static Shell.Result script(String verb, long seconds) throws Exception {
        return Shell.run(PROJECT, ENV, CLUSTER.resolve("script-" + verb + ".out"), seconds,
                PROJECT.resolve("submit/standalone-cluster.sh").toString(), verb);
    }

    /** @return the first of {@code n} consecutive free ports */
    private static int freePorts(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            boolean ok = base + n < 65000;
            for (int i = 1; i < n && ok; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    ok = true;
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (ok) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    private static Shell.Result submit(Path log, long seconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("submit/kka-submit").toString(),
                "--master", master, "--deploy-mode", "client", "--total-executor-cores", "2",
                "--executor-cores", "1", "--executor-memory", "1g", "--driver-memory", "1g",
                "--conf", "spark.driver.host=127.0.0.1",
                "--driver-java-options", "-Dlog4j2.configurationFile=" + PROJECT.resolve("conf/log4j2.properties")));
        cmd.addAll(List.of(args));
        return Shell.run(PROJECT, ENV, log, seconds, cmd.toArray(new String[0]));
    }

    @Test
    void statusReportsTwoAliveWorkers() throws Exception {
        Shell.Result r = script("status", 60);
        assertEquals(0, r.exit(), r.tail());
        assertTrue(r.output().contains("alive workers 2"), r.output());
        assertEquals(2, r.output().lines().filter(l -> l.contains(" ALIVE ")).count(), r.output());
    }

    @Test
    void ingestsFashionMnistOnTwoExecutors(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("fmnist");
        int[] train = FashionMnistSubset.copy(FMNIST, data, "train", TRAIN);
        int[] test = FashionMnistSubset.copy(FMNIST, data, "t10k", TEST);
        Path config = tmp.resolve("it.yaml");
        Files.writeString(config, String.join("\n",
                "run:", "  name: kka-it", "  dir: " + tmp.resolve("run"), "  seed: 7",
                "data:", "  dataset: fashion-mnist", "  path: " + data, "  image_size: 28", "  channels: 1",
                "task:", "  normal_classes: [Trouser]", "  val_fraction: 0.1", "  max_train_normals: 300",
                "  max_test_per_class: 30", ""));
        String out = tmp.resolve("samples").toString();
        Shell.Result r = submit(CLUSTER.resolve("ingest.out"), 900, "--class", "io.kka.cli.Kka", APP_JAR.toString(),
                "ingest", config.toString(), "--output", out);
        assertEquals(0, r.exit(), "kka ingest failed:\n" + r.tail());
        Map<String, Long> printed = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\w+/\\w+)\\s+(\\d+)\\s*$").matcher(r.output());
        while (m.find()) {
            printed.put(m.group(1), Long.parseLong(m.group(2)));
        }
        Map<String, Long> written = new LinkedHashMap<>();
        for (Row row : SparkTestSession.get().read().parquet(out).groupBy("role", "split").count()
                .collectAsList()) {
            written.put(row.getString(0) + "/" + row.getString(1), row.getLong(2));
        }
        assertEquals(written, printed, r.tail());
        long normals = java.util.Arrays.stream(train).filter(l -> l == TROUSER).count();
        long val = written.get("normal/val");
        assertTrue(val > 0.04 * normals && val < 0.16 * normals, "validation normals " + val + " of " + normals);
        assertEquals(Math.min(300, normals - val), written.get("normal/train"));
        assertEquals(TRAIN - normals, written.get("auxiliary/train"));
        long tests = 0;
        for (int c = 0; c < 10; c++) {
            int k = c;
            tests += Math.min(30, java.util.Arrays.stream(test).filter(l -> l == k).count());
        }
        assertEquals(tests, written.get("test/test"));
        assertEquals(4, written.size(), written.toString());
        assertEquals(2, workersThatRanAnExecutorOf(r.output()), "executors of the ingest app");
    }

    /** @return how many worker directories hold an executor of the app whose id the driver log printed */
    private static long workersThatRanAnExecutorOf(String driverLog) throws IOException {
        Matcher m = Pattern.compile("app-\\d{14}-\\d{4}").matcher(driverLog);
        String app = null;
        if (m.find()) {
            app = m.group();
        }
        long n = 0;
        for (String w : new String[] {"worker-1", "worker-2"}) {
            Path dir = CLUSTER.resolve(w);
            try (Stream<Path> apps = Files.list(dir)) {
                String id = app;
                n += apps.anyMatch(p -> id == null ? p.getFileName().toString().startsWith("app-")
                        : p.getFileName().toString().equals(id)) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void dl4jForwardPassRunsInsideEachExecutor(@TempDir Path tmp) throws Exception {
        Path probeJar = probeJar(tmp.resolve("probe.jar"));
        Shell.Result r = submit(CLUSTER.resolve("probe.out"), 600, "--class", ExecutorProbe.class.getName(),
                "--jars", probeJar.toString(), APP_JAR.toString(), "2");
        assertEquals(0, r.exit(), "probe failed:\n" + r.tail());
        Matcher d = Pattern.compile("PROBE driver output=(\\S+)").matcher(r.output());
        assertTrue(d.find(), r.tail());
        String expected = d.group(1);
        assertNotEquals("0.000000,0.000000,0.000000,0.000000", expected);
        Pattern line = Pattern.compile("PROBE executor=(\\S+) pid=(\\d+) partition=(\\d) backend=(\\S+)"
                + " addOpens=(\\w+) helpersDisabled=(\\S+) conv=(\\S+) output=(\\S+)");
        List<Matcher> answers = r.output().lines().map(line::matcher).filter(Matcher::find).toList();
        assertEquals(2, answers.size(), r.tail());
        assertNotEquals(answers.get(0).group(1), answers.get(1).group(1), "two different executors");
        assertNotEquals(answers.get(0).group(2), answers.get(1).group(2), "two different executor JVMs");
        for (Matcher a : answers) {
            assertNotEquals("driver", a.group(1));
            assertNotEquals(String.valueOf(ProcessHandle.current().pid()), a.group(2));
            assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", a.group(4));
            assertEquals("true", a.group(5), "executor JVM lacks Spark's --add-opens flags");
            assertEquals("false", a.group(6), "NativeBackendPlugin did not run on the executor before its task");
            assertEquals("MKLDNNConvHelper", a.group(7), "executor convolutions are not on oneDNN");
            String[] want = expected.split(",");
            String[] got = a.group(8).split(",");
            assertEquals(want.length, got.length, a.group(8));
            for (int i = 0; i < want.length; i++) {
                // printed to 6 decimals: a float32 reduction rounded differently in another JVM may move the last
                // printed digit by one
                assertTrue(Math.abs(Double.parseDouble(want[i]) - Double.parseDouble(got[i])) <= 2e-6,
                        "executor forward pass differs from the driver's: " + a.group(8) + " vs " + expected);
            }
        }
    }

    /**
     * Kills one executor JVM (SIGKILL) while it renders images against a loopback AUTOMATIC1111 server: Spark reruns
     * the lost task on a live or relaunched executor, the replies it had already received come from the response
     * cache, and the output equals that of an uninterrupted run on the same cluster. A reply the provider produced
     * but the dead executor never received (in flight at the kill) is the only kind that may be requested again.
     */
    @Test
    void executorKilledDuringGenerationGivesTheSameOutputAndRepeatsNoCachedReply(@TempDir Path tmp)
            throws Exception {
        Path data = io.kka.testing.Fixtures.fashionMnist(tmp.resolve("fm"), 24, 11);
        FakeEndpointServer.Options opts = FakeEndpointServer.Options.of(FaultMix.latency(400));
        try (FakeEndpointServer a = FakeEndpointServer.start(opts);
             FakeEndpointServer b = FakeEndpointServer.start(opts)) {
            Path runA = tmp.resolve("straight");
            Path runB = tmp.resolve("killed");
            Shell.Result ra = submit(CLUSTER.resolve("generate-straight.out"), 900, "--class", "io.kka.cli.Kka",
                    APP_JAR.toString(), "generate", generateConfig(tmp, data, a, runA).toString());
            assertEquals(0, ra.exit(), "straight kka generate failed:\n" + ra.tail());

            int driverPort = freePorts(1);
            java.util.concurrent.atomic.AtomicReference<Shell.Result> rb = new java.util.concurrent.atomic
                    .AtomicReference<>();
            Path cfgB = generateConfig(tmp, data, b, runB);
            Thread driver = new Thread(() -> {
                try {
                    rb.set(submit(CLUSTER.resolve("generate-killed.out"), 900, "--conf", "spark.driver.port="
                            + driverPort, "--class", "io.kka.cli.Kka", APP_JAR.toString(), "generate",
                            cfgB.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "kka-it-killed-driver");
            driver.start();
            long deadline = System.currentTimeMillis() + 600_000;
            while (renderHits(b) < 4 && driver.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(renderHits(b) >= 4, "rendering never started");
            ProcessHandle victim = executorRendering(driverPort, b);
            long killedAt = System.currentTimeMillis();
            long renderedBeforeKill = renderHits(b);
            victim.destroyForcibly();
            driver.join(900_000);
            Shell.Result r = rb.get();
            assertTrue(r != null && r.exit() == 0, "kka generate with a killed executor failed:\n"
                    + (r == null ? "no result" : r.tail()));
            assertTrue(renderedBeforeKill < a.recorded().stream().filter(x -> x.path().endsWith("txt2img"))
                    .count(), "the kill came after the last image request");
            assertTrue(r.output().contains("Lost task"), "no running task was lost with the executor:\n"
                    + r.tail());

            // the same rows, images and errors as the uninterrupted run
            var spark = SparkTestSession.get();
            for (String table : List.of("descriptions", "generated_raw")) {
                assertEquals(rows(spark, runA.resolve("generate/000/" + table)),
                        rows(spark, runB.resolve("generate/000/" + table)), table);
            }
            assertEquals(a.keys(), b.keys(), "the two runs made different requests");
            // a key charged twice must have been in flight when the executor died: its first reply was produced
            // no earlier than one request timeout before the kill and never reached the (dead) executor's cache
            for (FakeEndpointServer.Recorded x : b.recorded()) {
                if (x.hit() > 0) {
                    FakeEndpointServer.Recorded first = b.recorded().stream().filter(y -> y.key().equals(x.key())
                            && y.hit() == 0).findFirst().orElseThrow();
                    assertTrue(first.atMs() >= killedAt - 20_000 && first.atMs() <= killedAt, "key "
                            + x.key().substring(0, 12) + " first sent at " + first.atMs() + ", resent at " + x.atMs()
                            + ", killed at " + killedAt + ": a reply received before the kill was requested again");
                }
            }
            assertTrue(b.keysChargedTwice() <= 2, b.keysChargedTwice() + " replies paid twice: more than the"
                    + " killed executor's 2 requests in flight");
            System.out.printf("executor kill: %d of %d image requests sent before the kill, %d requests in all (%d"
                    + " uninterrupted), %d rows lost, %d replies paid twice%n", renderedBeforeKill,
                    renderHits(a), b.hits(), a.hits(), rows(spark, runA.resolve("generate/000/generated_raw")).size()
                    - rows(spark, runB.resolve("generate/000/generated_raw")).size(), b.keysChargedTwice());
        }
    }

    private static long renderHits(FakeEndpointServer s) {
        return s.recorded().stream().filter(x -> x.path().endsWith("txt2img")).count();
    }

    private static Path generateConfig(Path dir, Path data, FakeEndpointServer fake, Path run) throws IOException {
        Path cfg = dir.resolve(run.getFileName() + ".yaml");
        Files.writeString(cfg, String.join("\n",
                "run: {name: kka-it-generate, dir: '" + run + "', seed: 7}",
                "data: {dataset: fashion-mnist, path: '" + data + "'}",
                "task: {normal_classes: [Trouser], val_fraction: 0.3}",
                "representatives: {k: 3}",
                "llm: {provider: openai, base_url: '" + fake.openAiBaseUrl() + "', model: fake-llm,"
                        + " prompts_per_iteration: 8, descriptions_per_prompt: 4,"
                        + " http: {concurrency: 2, max_retries: 2, timeout_s: 20}}",
                "images: {provider: automatic1111, base_url: '" + fake.automatic1111BaseUrl() + "', model: fake-sd,"
                        + " size: 64x64, steps: 20, http: {concurrency: 2, max_retries: 2, timeout_s: 20}}",
                ""));
        return cfg;
    }

    /** @return "sample_id error" of every row, sorted (a few dozen rows) */
    private static java.util.TreeSet<String> rows(org.apache.spark.sql.SparkSession spark, Path table) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        var df = spark.read().parquet(table.toString());
        String id = java.util.Arrays.asList(df.columns()).contains("sample_id") ? "sample_id" : df.columns()[0];
        for (Row row : df.selectExpr(id, "to_json(struct(*))").collectAsList()) {
            out.add(row.getString(0) + " " + row.getString(1).replaceAll("\"(seconds|latency_ms|attempts|"
                    + "started_at)\":[^,}]*", ""));
        }
        return out;
    }

    /**
     * @return the executor JVM of the app whose driver listens on {@code driverPort} that has an image request in
     *     flight at the fake server right now: the server names the client ports of the requests it is serving,
     *     /proc/net/tcp* maps a local port to a socket inode, and /proc/PID/fd maps the inode to a process
     */
    private static ProcessHandle executorRendering(int driverPort, FakeEndpointServer server) throws Exception {
        List<ProcessHandle> executors = ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .map(c -> c.contains("CoarseGrainedExecutorBackend") && (c.contains(":" + driverPort + " ")
                        || c.endsWith(":" + driverPort))).orElse(false)).toList();
        assertEquals(2, executors.size(), "executors of the app: " + executors);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            java.util.Set<Integer> ports = new java.util.HashSet<>();
            server.inFlight().forEach((port, path) -> {
                if (path.endsWith("txt2img")) {
                    ports.add(port);
                }
            });
            java.util.Set<String> inodes = new java.util.HashSet<>();
            for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path p = Path.of(f);
                if (ports.isEmpty() || !Files.exists(p)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (String line : lines.subList(1, lines.size())) {
                    String[] c = line.trim().split("\\s+");
                    int local = Integer.parseInt(c[1].substring(c[1].lastIndexOf(':') + 1), 16);
                    int remote = Integer.parseInt(c[2].substring(c[2].lastIndexOf(':') + 1), 16);
                    if (remote == server.port() && ports.contains(local)) {
                        inodes.add(c[9]);
                    }
                }
            }
            for (ProcessHandle h : executors) {
                try (Stream<Path> fds = Files.list(Path.of("/proc/" + h.pid() + "/fd"))) {
                    for (Path fd : fds.toList()) {
                        try {
                            String target = Files.readSymbolicLink(fd).toString();
                            if (target.startsWith("socket:[") && inodes.contains(target.substring(8,
                                    target.length() - 1))) {
                                return h;
                            }
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no executor had an image request in flight at port " + server.port());
    }

    /** Packs the probe's classes (from target/test-classes) into a jar for --jars. */
    private static Path probeJar(Path jar) throws IOException {
        Path classes = Path.of(ExecutorProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path dir = classes.resolve("io/kka/it");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("ExecutorProbe")).toList()) {
                out.putNextEntry(new JarEntry("io/kka/it/" + f.getFileName()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }
}
