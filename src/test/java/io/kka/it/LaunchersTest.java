package io.kka.it;

import java.util.regex.Pattern;

import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** Unit tests of the launchers in submit/: version sync of the two poms, and what kka-submit runs. */
class LaunchersTest {
    private static final Path PROJECT = Path.of(System.getProperty("kka.project.dir", ".")).toAbsolutePath();

    private static String property(Path pom, String name) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getDocumentElement();
        Element props = (Element) root.getElementsByTagName("properties").item(0);
        return props.getElementsByTagName(name).item(0).getTextContent().strip();
    }

    @Test
    void sparkDistPomNamesTheMainPomsSparkAndHadoopVersions() throws Exception {
        Path main = PROJECT.resolve("pom.xml");
        Path dist = PROJECT.resolve("submit/spark-dist/pom.xml");
        for (String p : new String[] {"spark.version", "hadoop.version", "scala.binary"}) {
            assertEquals(property(main, p), property(dist, p), p + " of submit/spark-dist/pom.xml and pom.xml");
        }
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path p = Files.writeString(dir.resolve(name), "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static Shell.Result kkaSubmit(Path tmp, Map<String, String> env, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = PROJECT.resolve("submit/kka-submit").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Shell.run(PROJECT, env, tmp.resolve("out.log"), 60, cmd);
    }

    @Test
    void kkaSubmitCallsSparkSubmitFromPath(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        script(bin, "spark-submit", "echo \"real spark-submit: $*\"");
        String jar = Files.createFile(tmp.resolve("app.jar")).toString();
        Shell.Result r = kkaSubmit(tmp, Map.of("PATH", bin + ":" + System.getenv("PATH")), "--master", "yarn",
                jar, "ingest", "x.yaml");
        assertEquals(0, r.exit(), r.output());
        assertEquals("real spark-submit: --master yarn " + jar + " ingest x.yaml", r.output().strip());
    }

    @Test
    void builtinModeRunsSparkSubmitWithDriverJvmOptions(@TempDir Path tmp) throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        script(jdk, "java", "printf '%s\\n' \"$@\"");
        String jar = Files.createFile(tmp.resolve("app.jar")).toString();
        Shell.Result r = kkaSubmit(tmp, Map.of("KKA_SPARK_SUBMIT", "builtin",
                "JAVA_HOME", tmp.resolve("jdk").toString(), "KKA_SPARK_CLASSPATH", "/spark/jars/*"),
                "--master", "local[2]", "--driver-memory", "3g", "--driver-java-options", "-Da=1 -Db=2",
                "--conf", "spark.driver.extraClassPath=/extra.jar", "--verbose", "--class", "io.kka.cli.Kka",
                jar, "ingest", "--driver-memory", "9g");
        assertEquals(0, r.exit(), r.output());
        List<String> argv = r.output().lines().toList();
        assertEquals("-Xmx3g", argv.get(0));
        assertTrue(argv.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), argv.toString());
        assertEquals(14, argv.stream().filter(a -> a.startsWith("--add-opens=")).count(), argv.toString());
        int cp = argv.indexOf("-cp");
        assertEquals(List.of("-Da=1", "-Db=2"), argv.subList(cp - 2, cp));
        assertEquals(List.of("/extra.jar:/spark/jars/*", "org.apache.spark.deploy.SparkSubmit", "--master",
                "local[2]", "--driver-memory", "3g", "--driver-java-options", "-Da=1 -Db=2", "--conf",
                "spark.driver.extraClassPath=/extra.jar", "--verbose", "--class", "io.kka.cli.Kka", jar, "ingest",
                "--driver-memory", "9g"), argv.subList(cp + 1, argv.size()));
    }

    @Test
    void builtinModeFindsTheHadoopConfAndKeepsClusterDriverOptionsOffThisJvm(@TempDir Path tmp) throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        script(jdk, "java", "printf '%s\\n' \"$@\"");
        String jar = Files.createFile(tmp.resolve("app.jar")).toString();
        Map<String, String> env = Map.of("KKA_SPARK_SUBMIT", "builtin", "JAVA_HOME", tmp.resolve("jdk").toString(),
                "KKA_SPARK_CLASSPATH", "/spark/jars/*", "HADOOP_CONF_DIR", "/etc/hadoop/conf",
                "YARN_CONF_DIR", "/etc/yarn/conf");
        // spark-submit's order: Spark's jars, then HADOOP_CONF_DIR, then YARN_CONF_DIR
        Shell.Result client = kkaSubmit(tmp, env, "--master", "yarn", "--num-executors", "2", "--queue", "q",
                "--driver-memory", "3g", jar, "ingest");
        assertEquals(0, client.exit(), client.output());
        List<String> argv = client.output().lines().toList();
        assertEquals("/spark/jars/*:/etc/hadoop/conf:/etc/yarn/conf", argv.get(argv.indexOf("-cp") + 1));
        assertEquals("-Xmx3g", argv.get(0));
        // in cluster mode this JVM only submits: the driver's heap and options are the cluster's
        Shell.Result cluster = kkaSubmit(tmp, env, "--master", "yarn", "--deploy-mode", "cluster",
                "--driver-memory", "6g", "--conf", "spark.driver.extraJavaOptions=-Dx=1", jar, "run");
        assertEquals(0, cluster.exit(), cluster.output());
        argv = cluster.output().lines().toList();
        assertEquals("-Xmx1g", argv.get(0));
        assertTrue(!argv.subList(0, argv.indexOf("-cp")).contains("-Dx=1"), argv.toString());
        assertTrue(argv.contains("spark.driver.extraJavaOptions=-Dx=1"), "still passed to spark-submit");
    }

    @Test
    void invalidOptionsFailFastWithoutStartingAJvm(@TempDir Path tmp) throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        script(jdk, "java", "echo JVM-STARTED");
        Map<String, String> env = Map.of("KKA_SPARK_SUBMIT", "builtin", "JAVA_HOME", tmp.resolve("jdk").toString(),
                "KKA_SPARK_CLASSPATH", "/spark/jars/*");
        String jar = Files.createFile(tmp.resolve("app.jar")).toString();
        String[][] cases = {
            {"kka-submit: --executor-memroy is not a spark-submit option (see spark-submit --help)",
                "--executor-memroy", "1g", jar, "run", "c.yaml"},
            {"kka-submit: application jar " + tmp.resolve("missing.jar") + " does not exist (build it with: mvn -B"
                + " -DskipTests package)", "--master", "local[2]", tmp.resolve("missing.jar").toString(), "run"},
            {"kka-submit: 'rnu' is not a kka command (one of: ingest run generate train score report export config bench help )",
                jar, "rnu", "c.yaml"},
            {"kka-submit: --master needs a value", "--master"},
        };
        for (String[] c : cases) {
            Shell.Result r = kkaSubmit(tmp, env, java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.exit(), r.output());
            assertEquals(c[0], r.output().strip());
        }
        // another main class takes its own arguments: no kka command check
        Shell.Result other = kkaSubmit(tmp, env, "--class", "org.example.Probe", jar, "2");
        assertEquals(0, other.exit(), other.output());
        assertTrue(other.output().contains("JVM-STARTED"), other.output());
    }

    @Test
    void kkaSubmitKnowsEveryKkaCommand() throws Exception {
        String script = Files.readString(PROJECT.resolve("submit/kka-submit"));
        Matcher m = Pattern.compile("kka_commands=\" (.*) \"").matcher(script);
        assertTrue(m.find());
        java.util.Set<String> cli = new java.util.TreeSet<>(
                new picocli.CommandLine(new io.kka.cli.Kka()).getSubcommands().keySet());
        assertEquals(cli, new java.util.TreeSet<>(List.of(m.group(1).split(" "))));
    }
}
