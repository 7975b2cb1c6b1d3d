package io.kka.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SparkTestSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on YARN and HDFS, submitted as a user submits it. A MiniDFSCluster (one DataNode) and a MiniYARNCluster
 * (one NodeManager) start in this JVM on loopback; the test writes their core-site.xml, hdfs-site.xml and
 * yarn-site.xml into a HADOOP_CONF_DIR and a Spark install's site settings into a SPARK_CONF_DIR
 * (spark-defaults.conf: where the containers find Spark's jars, loopback addresses), then submits the application
 * jar from {@code mvn package} with {@code --master yarn} through {@code submit/kka-submit}:
 *
 * <ul>
 *   <li>{@code kka ingest}, client mode: a Fashion-MNIST subset on hdfs:// into the run directory on hdfs://;
 *   <li>{@code kka run} through {@code submit/examples/yarn.sh} itself, with this cluster's sizes (cluster mode:
 *       the driver is the application master). The driver's JVM is killed (SIGKILL) once iteration 0 is committed,
 *       and {@code yarn.sh --resume} finishes the run in a new application. Row counts, metrics.json and the
 *       report are read from HDFS.
 * </ul>
 *
 * Both applications' executors are seen running in YARN containers: JVMs below this one (the NodeManager's
 * children) with their application's CONTAINER_ID and the container's directory as working directory; the
 * cluster-mode driver likewise in container 1. The clusters and every process the test started are stopped
 * afterwards, also when the test fails.
 */
class YarnHdfsIT {
    private static final Path PROJECT = Path.of(System.getProperty("kka.project.dir", ".")).toAbsolutePath();
    private static final Path APP_JAR = Path.of(System.getProperty("kka.app.jar",
            "target/kka-on-spark-0.1.0-SNAPSHOT-app.jar")).toAbsolutePath();
    private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** logs, configs and the HDFS storage; MiniYARNCluster keeps its own target/test/data/{@value #YARN_NAME} */
    private static final Path WORK = PROJECT.resolve("target/yarn-hdfs-it");
    private static final String YARN_NAME = "yarn-hdfs-it-yarn";
    private static final int TRAIN = 2000;
    private static final int TEST = 400;
    private static final int TROUSER = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENV = new HashMap<>();
    private static Set<Long> before;
    private static MiniDFSCluster dfs;
    private static MiniYARNCluster yarn;
    private static YarnClient rm;
    private static FileSystem fs;
    private static String hdfs;

    @BeforeAll
    static void startClusters() throws Exception {
        assertTrue(Files.isRegularFile(APP_JAR), "application jar " + APP_JAR + " missing (run mvn package)");
        assertTrue(Files.isRegularFile(FMNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST missing: apt-get install dataset-fashion-mnist");
        before = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        deleteTree(WORK);
        deleteTree(PROJECT.resolve("target/test/data/" + YARN_NAME));  // the MiniYARNCluster's dirs of earlier runs
        Path conf = Files.createDirectories(WORK.resolve("hadoop-conf"));
        Path sparkConf = Files.createDirectories(WORK.resolve("spark-conf"));

        Configuration hc = new Configuration();
        hc.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, WORK.resolve("hdfs").toString());
        hc.setInt("dfs.replication", 1);
        dfs = new MiniDFSCluster.Builder(hc).numDataNodes(1).build();
        dfs.waitActive();
        hdfs = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
        fs = dfs.getFileSystem();
        fs.mkdirs(new org.apache.hadoop.fs.Path("/user/" + System.getProperty("user.name")));

        yarn = new MiniYARNCluster(YARN_NAME, 1, 1, 1);
        yarn.init(yarnConfig());
        yarn.start();
        YarnConfiguration rmConf = new YarnConfiguration(yarn.getConfig());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rmConf.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {  // start() may return before the port
            assertTrue(System.nanoTime() < deadline, "the ResourceManager never published its port");
            Thread.sleep(100);
            rmConf = new YarnConfiguration(yarn.getConfig());
        }
        rm = YarnClient.createYarnClient();
        rm.init(rmConf);
        rm.start();

        // the client's view of the clusters, as a cluster's gateway host has it in /etc/hadoop/conf
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs);
        write(core, conf.resolve("core-site.xml"));
        Configuration hdfsSite = new Configuration(false);
        hdfsSite.set("dfs.replication", "1");
        write(hdfsSite, conf.resolve("hdfs-site.xml"));
        Configuration yarnSite = new Configuration(false);
        for (Map.Entry<String, String> e : rmConf) {
            if (e.getKey().startsWith("yarn.resourcemanager.")) {
                yarnSite.set(e.getKey(), rmConf.get(e.getKey()));
            }
        }
        write(yarnSite, conf.resolve("yarn-site.xml"));
        // a Spark install's spark-defaults.conf: Spark's jars are on every node (local:), the JVMs bind to loopback
        String jars = Arrays.stream(sparkClasspath().split(":")).map(j -> "local:" + j)
                .collect(Collectors.joining(","));
        Files.writeString(sparkConf.resolve("spark-defaults.conf"), String.join("\n",
                "spark.yarn.jars " + jars,
                "spark.yarn.am.memory 512m",
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP 127.0.0.1",
                "spark.executorEnv.SPARK_LOCAL_IP 127.0.0.1",
                "spark.ui.enabled false",
                ""));

        ENV.put("HADOOP_CONF_DIR", conf.toString());
        ENV.put("YARN_CONF_DIR", conf.toString());
        ENV.put("SPARK_CONF_DIR", sparkConf.toString());
        ENV.put("KKA_SPARK_SUBMIT", "builtin");
        ENV.put("SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** The MiniYARNCluster's settings: room for an application master and two executors, loopback, JAVA_HOME. */
    private static YarnConfiguration yarnConfig() {
        YarnConfiguration y = new YarnConfiguration();
        y.set("fs.defaultFS", hdfs);
        y.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        y.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 8192);
        y.setInt(YarnConfiguration.NM_VCORES, 8);
        y.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        y.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
        // ND4J's off-heap memory is capped by JavaCPP's own limits; the NodeManager's checks would only add noise
        y.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        y.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        y.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        // the containers' JVM: a real NodeManager has JAVA_HOME in its environment
        y.set(YarnConfiguration.NM_ADMIN_USER_ENV, "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX,JAVA_HOME="
                + System.getProperty("java.home"));
        // hadoop-client-minicluster has no capacity-scheduler.xml (Spark's BaseYarnClusterSuite does the same)
        y.set("yarn.scheduler.capacity.root.queues", "default");
        y.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        y.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        y.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        y.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        y.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        y.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        y.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
        y.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        return y;
    }

    @AfterAll
    static void stopClusters() throws Exception {
        try {
            if (rm != null) {
                rm.stop();
            }
            if (yarn != null) {
                yarn.stop();
            }
        } finally {
            try {
                if (dfs != null) {
                    dfs.shutdown();
                }
            } finally {
                // containers the NodeManager did not reap, drivers a failed assertion left behind
                if (before != null) {
                    ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid()))
                            .forEach(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    @Test
    void ingestAndRunOnHdfsSurviveAKilledDriver() throws Exception {
        Path local = Files.createDirectories(WORK.resolve("fmnist"));
        int[] train = FashionMnistSubset.copy(FMNIST, local, "train", TRAIN);
        int[] test = FashionMnistSubset.copy(FMNIST, local, "t10k", TEST);
        fs.mkdirs(new org.apache.hadoop.fs.Path("/data"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/data"));
        String data = hdfs + "/data/fmnist";
        String run = hdfs + "/user/" + System.getProperty("user.name") + "/kka/run-it";
        Path config = WORK.resolve("kka-yarn-it.yaml");
        Files.writeString(config, String.join("\n",
                "run: {name: kka-yarn-it, dir: '" + run + "', seed: 7, iterations: 1, mode: replace,"
                        + " lease_ttl_s: 3}",
                "data: {dataset: fashion-mnist, path: '" + data + "', image_size: 28, channels: 1}",
                "task: {normal_classes: [Trouser], val_fraction: 0.1, max_train_normals: 100,"
                        + " max_test_per_class: 20}",
                "evaluator: {epochs: 1, batch_size_per_worker: 32, workers: 2}",
                "representatives: {k: 3}",
                "llm: {provider: embedded, prompts_per_iteration: 6, descriptions_per_prompt: 4}",
                "images: {provider: embedded}",
                "selection: {anomaly_set_size: 20, pairs_per_iteration: 8}",
                "tuning: {provider: embedded}",
                ""));

        // kka ingest, client mode: the counts it prints are the counts of the table it wrote on HDFS
        Set<String> known = apps();
        Shell.Result in;
        try (ContainerWatch watch = new ContainerWatch()) {
            in = submit(WORK.resolve("ingest.out"), 900, "--class", "io.kka.cli.Kka", APP_JAR.toString(),
                    "ingest", config.toString());
            assertEquals(0, in.exit(), "kka ingest failed:\n" + in.tail());
            String ingestApp = newApp(known);
            assertEquals(FinalApplicationStatus.SUCCEEDED, report(ingestApp).getFinalApplicationStatus());
            watch.assertExecutorsInContainers(ingestApp, 2);
            watch.assertAmInFirstContainer(ingestApp, "org.apache.spark.deploy.yarn.ExecutorLauncher");
        }
        Map<String, Long> written = counts(run + "/samples");
        assertEquals(written, printedCounts(in.output()), in.tail());
        Map<String, Long> expected = expectedCounts(train, test, written.getOrDefault("normal/val", 0L));
        assertEquals(expected, written);

        // kka run through yarn.sh (cluster mode: the driver is the application master's JVM), killed as soon as
        // iteration 0 is committed and iteration 1 starts
        known = apps();
        Process killed = yarnSh(WORK.resolve("run-killed.out"));
        String app = null;
        try (ContainerWatch watch = new ContainerWatch()) {
            app = awaitNewApp(known, WORK.resolve("run-killed.out"), killed);
            awaitLine(amLog(app), killed, l -> l.contains("iteration 1 \u00b7 "));
            watch.assertExecutorsInContainers(app, 2);
            ProcessHandle am = watch.assertAmInFirstContainer(app, "org.apache.spark.deploy.yarn.ApplicationMaster");
            assertTrue(am.destroyForcibly(), "SIGKILL to the driver");  // no shutdown hook, no cleanup: a crash
            assertTrue(killed.waitFor(180, TimeUnit.SECONDS), "yarn.sh did not return after its driver died");
            assertNotEquals(0, killed.exitValue(), "yarn.sh reports the failed application");
        } finally {
            killed.descendants().forEach(ProcessHandle::destroyForcibly);
            killed.destroyForcibly();
        }
        assertEquals(FinalApplicationStatus.FAILED, report(app).getFinalApplicationStatus(), app);
        assertTrue(exists(run + "/iterations/000/metrics.json"), "iteration 0 committed before the kill");
        assertTrue(!exists(run + "/iterations/001"), "iteration 1 must not be committed");
        long committed = fs.getFileStatus(new org.apache.hadoop.fs.Path(run + "/iterations/000/metrics.json"))
                .getModificationTime();

        // yarn.sh --resume: a new application continues after iteration 0
        known = apps();
        Process resumed = yarnSh(WORK.resolve("run-resumed.out"), "--resume");
        String app2;
        try {
            assertTrue(resumed.waitFor(20, TimeUnit.MINUTES), "resumed run did not finish");
            app2 = newApp(known);
            assertEquals(0, resumed.exitValue(), "resumed run failed:\n" + tail(WORK.resolve("run-resumed.out"))
                    + "\ndriver:\n" + tail(amLog(app2)));
        } finally {
            resumed.descendants().forEach(ProcessHandle::destroyForcibly);
            resumed.destroyForcibly();
        }
        assertNotEquals(app, app2);
        assertEquals(FinalApplicationStatus.SUCCEEDED, report(app2).getFinalApplicationStatus(), app2);
        String driver = Files.readString(amLog(app2));
        assertTrue(driver.contains("taking over the lease of a driver that stopped heartbeating"), tail(amLog(app2)));
        assertEquals(committed, fs.getFileStatus(new org.apache.hadoop.fs.Path(run
                + "/iterations/000/metrics.json")).getModificationTime(), "iteration 0 was not redone");

        // the outputs, on HDFS
        JsonNode metrics = JSON.readTree(read(run + "/metrics.json"));
        assertEquals(List.of(), SchemaValidation.errors("metrics.schema.json", metrics));
        assertEquals(2, metrics.get("iterations").size(), "KKA(0) and one iteration");
        assertEquals(expected.get("test/test").longValue(), metrics.get("final").get("test_rows").asLong());
        double auroc = metrics.get("final").get("auroc").asDouble();
        assertTrue(auroc >= 0 && auroc <= 1, "final AUROC " + auroc);
        assertEquals(written, counts(run + "/samples"), "the run kept the ingested table");
        assertEquals(expected.get("test/test").longValue(), SparkTestSession.get().read()
                .parquet(run + "/final/scores").count(), "final scores: one per test row");
        String html = new String(read(run + "/report/index.html"), StandardCharsets.UTF_8);
        assertTrue(html.toLowerCase(java.util.Locale.ROOT).contains("<html") && html.contains("data-metric"),
                html.substring(0, Math.min(300, html.length())));
    }

    // ---------------------------------------------------------------------------------------------------------
    // submitting

    private static Shell.Result submit(Path log, long seconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("submit/kka-submit").toString(),
                "--master", "yarn", "--deploy-mode", "client", "--num-executors", "2", "--executor-cores", "1",
                "--executor-memory", "1g", "--conf", "spark.executor.memoryOverhead=1g", "--driver-memory", "1g"));
        cmd.addAll(List.of(args));
        return Shell.run(PROJECT, ENV, log, seconds, cmd.toArray(new String[0]));
    }

    /** Starts submit/examples/yarn.sh with this cluster's sizes; only the sizes and addresses are the test's. */
    private static Process yarnSh(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("submit/examples/yarn.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("OPENAI_API_KEY");
        pb.environment().remove("OPENAI_API_KEY_FILE");
        pb.environment().putAll(ENV);
        pb.environment().putAll(yarnShEnv(APP_JAR, WORK.resolve("kka-yarn-it.yaml"),
                hdfs + "/user/" + System.getProperty("user.name") + "/kka/run-it"));
        return pb.start();
    }

    /**
     * The settings this test gives yarn.sh: what to run and where (addresses) and this cluster's sizes, nothing
     * else (SubmitExamplesTest checks that the command line differs from yarn.sh's defaults only there).
     *
     * @param appJar the application jar
     * @param config the job config (shipped with --files)
     * @param runDir the run directory
     * @return environment for yarn.sh
     */
    static Map<String, String> yarnShEnv(Path appJar, Path config, String runDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_JAR", appJar.toString());
        env.put("CONFIG", config.toString());
        env.put("RUN_DIR", runDir);
        env.put("QUEUE", "default");
        env.put("DRIVER_MEMORY", "1g");
        env.put("DRIVER_OVERHEAD", "1g");
        env.put("EXECUTOR_MEMORY", "1g");
        env.put("EXECUTOR_OVERHEAD", "1g");
        env.put("EXECUTOR_CORES", "1");
        env.put("NUM_EXECUTORS", "2");
        env.put("OFFHEAP", "1G");
        env.put("OFFHEAP_PHYSICAL", "3G");
        return env;
    }

    /** @return the Spark-only classpath kka-submit's built-in mode runs (submit/spark-dist) */
    private static String sparkClasspath() throws Exception {
        Shell.Result r = Shell.run(PROJECT, Map.of(), WORK.resolve("spark-classpath.out"), 600,
                PROJECT.resolve("submit/spark-dist/classpath.sh").toString());
        assertEquals(0, r.exit(), r.tail());
        // Maven's console may put ANSI colour codes before the classpath on the same line (stderr is merged)
        String cp = r.output().lines().map(l -> l.replaceAll("\u001B\\[[0-9;]*m", ""))
                .filter(l -> l.contains(".jar")).reduce((a, b) -> b).orElseThrow();
        cp = cp.substring(cp.indexOf('/'));
        assertTrue(cp.contains("spark-yarn_"), "spark-yarn is on the launcher's classpath");
        return cp.strip();
    }

    // ---------------------------------------------------------------------------------------------------------
    // YARN

    /** @return the ids of the applications the ResourceManager knows */
    private static Set<String> apps() throws Exception {
        return rm.getApplications().stream().map(a -> a.getApplicationId().toString()).collect(Collectors.toSet());
    }

    /** @return the one application submitted since {@code known} was taken */
    private static String newApp(Set<String> known) throws Exception {
        Set<String> now = apps();
        now.removeAll(known);
        assertEquals(1, now.size(), "applications submitted: " + now);
        return now.iterator().next();
    }

    private static ApplicationReport report(String app) throws Exception {
        return rm.getApplicationReport(ApplicationId.fromString(app));
    }

    private static String awaitNewApp(Set<String> known, Path log, Process client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            Set<String> now = apps();
            now.removeAll(known);
            if (!now.isEmpty()) {
                return newApp(known);
            }
            assertTrue(client.isAlive(), "yarn.sh exited before submitting:\n" + tail(log));
            Thread.sleep(1000);
        }
        throw new AssertionError("no application id after 5 minutes:\n" + tail(log));
    }

    /** @return the stderr of the application master's container (the driver's log in cluster mode) */
    private static Path amLog(String app) {
        String logDir = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")[0];
        return Path.of(logDir, app, "container_" + app.substring("application_".length()) + "_01_000001", "stderr");
    }

    private static void awaitLine(Path log, Process client, java.util.function.Predicate<String> p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                try (Stream<String> lines = Files.lines(log)) {
                    if (lines.anyMatch(p)) {
                        return;
                    }
                }
            }
            assertTrue(client.isAlive(), "the run ended before the line to wait for:\n" + tail(log));
            Thread.sleep(500);
        }
        throw new AssertionError("line not seen in 15 minutes:\n" + tail(log));
    }

    /**
     * Records, every 250 ms while open, each JVM that runs in a YARN container: the descendants of this JVM (the
     * NodeManager runs in it) with a CONTAINER_ID in their environment, with their command line and working
     * directory, read from /proc while they live.
     */
    private static final class ContainerWatch implements AutoCloseable {
        /** A container JVM as seen, with its parent's pid. */
        record Seen(ProcessHandle process, long parent, String container, String cwd, String cmdline) {
        }

        private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "container-watch");
            t.setDaemon(true);
            return t;
        });

        ContainerWatch() {
            timer.scheduleWithFixedDelay(this::scan, 0, 250, TimeUnit.MILLISECONDS);
        }

        private void scan() {
            try {
                ProcessHandle.current().descendants()
                        .filter(p -> !seen.containsKey(p.pid()) && p.info().command().orElse("").endsWith("/java"))
                        .forEach(this::record);
            } catch (RuntimeException e) {
                // a process that ended while listed: the next scan sees the rest (and a throw would end the timer)
            }
        }

        private void record(ProcessHandle p) {
            try {
                Path proc = Path.of("/proc", String.valueOf(p.pid()));
                String container = Arrays.stream(new String(Files.readAllBytes(proc.resolve("environ")),
                        StandardCharsets.UTF_8).split("\0")).filter(e -> e.startsWith("CONTAINER_ID="))
                        .map(e -> e.substring("CONTAINER_ID=".length())).findFirst().orElse(null);
                if (container != null) {
                    seen.put(p.pid(), new Seen(p, p.parent().map(ProcessHandle::pid).orElse(-1L), container,
                            Files.readSymbolicLink(proc.resolve("cwd")).toString(),
                            new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ')));
                }
            } catch (IOException e) {
                // ended between the listing and the read
            }
        }

        /**
         * @return the JVMs of {@code app} running {@code mainClass}; not the children a container JVM forks (until
         *     they exec, those show the parent's executable and command line)
         */
        private List<Seen> of(String app, String mainClass) {
            String prefix = "container_" + app.substring("application_".length()) + "_01_";
            return seen.values().stream().filter(s -> s.container().startsWith(prefix)
                    && s.cmdline().contains(mainClass) && !seen.containsKey(s.parent())).toList();
        }

        /** Executors: other JVMs than this one, each in its own container of {@code app}, run there. */
        void assertExecutorsInContainers(String app, int n) {
            List<Seen> executors = of(app, "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend");
            assertEquals(n, executors.size(), "executor JVMs of " + app + ": " + executors);
            assertEquals(n, executors.stream().map(Seen::container).distinct().count(), "one container each");
            for (Seen e : executors) {
                assertNotEquals(ProcessHandle.current().pid(), e.process().pid());
                assertTrue(!e.container().endsWith("_000001"), "container 1 is the application master's");
                assertTrue(e.cmdline().contains("--app-id " + app), e.cmdline());
                assertEquals(containerDir(app, e.container()), e.cwd(), "an executor's working directory");
            }
        }

        /** @return the application master's JVM: in container 1 of {@code app}, run there */
        ProcessHandle assertAmInFirstContainer(String app, String mainClass) {
            List<Seen> am = of(app, mainClass);
            assertEquals(1, am.size(), mainClass + " JVMs of " + app + ": " + am);
            String first = "container_" + app.substring("application_".length()) + "_01_000001";
            assertEquals(first, am.get(0).container());
            assertEquals(containerDir(app, first), am.get(0).cwd(), "the application master's working directory");
            return am.get(0).process();
        }

        /** @return where the NodeManager runs a container: local dir/usercache/user/appcache/app/container */
        private static String containerDir(String app, String container) {
            String local = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOCAL_DIRS).split(",")[0];
            return Path.of(local, "usercache", System.getProperty("user.name"), "appcache", app, container)
                    .toAbsolutePath().toString();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // HDFS and counts

    private static boolean exists(String uri) throws IOException {
        return fs.exists(new org.apache.hadoop.fs.Path(uri));
    }

    private static byte[] read(String uri) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
            return in.readAllBytes();
        }
    }

    private static Map<String, Long> counts(String table) {
        Map<String, Long> written = new LinkedHashMap<>();
        for (Row row : SparkTestSession.get().read().parquet(table).groupBy("role", "split").count()
                .orderBy("role", "split").collectAsList()) {
            written.put(row.getString(0) + "/" + row.getString(1), row.getLong(2));
        }
        return written;
    }

    private static Map<String, Long> printedCounts(String out) {
        Map<String, Long> printed = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\w+/\\w+)\\s+(\\d+)\\s*$").matcher(out);
        while (m.find()) {
            printed.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new LinkedHashMap<>(printed);
    }

    /**
     * @param val the validation normals written (a seeded hash split: only its size is checked)
     * @return rows per role/split that ingest must write for these labels
     */
    private static Map<String, Long> expectedCounts(int[] train, int[] test, long val) {
        long normals = Arrays.stream(train).filter(l -> l == TROUSER).count();
        assertTrue(val > 0.04 * normals && val < 0.16 * normals, "validation normals " + val + " of " + normals);
        long tests = 0;
        for (int c = 0; c < 10; c++) {
            int k = c;
            tests += Math.min(20, Arrays.stream(test).filter(l -> l == k).count());
        }
        Map<String, Long> e = new java.util.TreeMap<>(Map.of("auxiliary/train", TRAIN - normals,
                "normal/train", Math.min(100, normals - val), "normal/val", val, "test/test", tests));
        return new LinkedHashMap<>(e);
    }

    // ---------------------------------------------------------------------------------------------------------
    // files

    private static void write(Configuration c, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            c.writeXml(out);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
