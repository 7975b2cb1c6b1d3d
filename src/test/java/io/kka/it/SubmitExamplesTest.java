package io.kka.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kka.config.SecretRef;
import io.kka.testing.SubmitScripts;
import io.kka.testing.SubmitScripts.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.internal.config.ConfigEntry$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example submit scripts in submit/examples/ as tested commands, by dry runs (a recording spark-submit on PATH,
 * called through submit/kka-submit): yarn.sh with YarnHdfsIT's settings, which that test runs on a
 * MiniYARNCluster, differs from yarn.sh's own command line only in addresses and sizes; kubernetes.sh's pod
 * template, container, volume and secret references are consistent; and every core Spark setting the scripts
 * pass is one Spark knows.
 */
class SubmitExamplesTest {
    private static final Path PROJECT = Path.of(System.getProperty("kka.project.dir", ".")).toAbsolutePath();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** the yarn.sh settings that are addresses (what, where) or sizes */
    private static final Set<String> ADDRESSES_AND_SIZES = Set.of("APP_JAR", "CONFIG", "RUN_DIR", "QUEUE",
            "DRIVER_MEMORY", "DRIVER_OVERHEAD", "EXECUTOR_MEMORY", "EXECUTOR_OVERHEAD", "EXECUTOR_CORES",
            "NUM_EXECUTORS", "OFFHEAP", "OFFHEAP_PHYSICAL");

    @Test
    void yarnHdfsItRunsYarnShApartFromAddressesAndSizes(@TempDir Path dir) throws Exception {
        String script = Files.readString(PROJECT.resolve("submit/examples/yarn.sh"));
        Path jar = Files.writeString(dir.resolve("app.jar"), "not a real jar");
        Path config = Files.writeString(dir.resolve("kka-yarn-it.yaml"), "run: {name: x}\n");
        Map<String, String> it = YarnHdfsIT.yarnShEnv(jar, config, "hdfs://127.0.0.1:8020/user/tester/kka/run-it");
        for (String k : it.keySet()) {
            assertTrue(ADDRESSES_AND_SIZES.contains(k), "YarnHdfsIT sets " + k + ", not an address or a size");
            assertTrue(script.contains(k + "=\"${" + k + ":-"), "yarn.sh has no setting " + k);
        }
        Run defaults = SubmitScripts.run(dir.resolve("defaults"), "submit/examples/yarn.sh",
                Map.of("APP_JAR", jar.toString(), "USER", "tester"));
        Run test = SubmitScripts.run(dir.resolve("it"), "submit/examples/yarn.sh", it);
        assertEquals(0, defaults.exit(), defaults.output());
        assertEquals(0, test.exit(), test.output());
        List<String> a = defaults.argv();
        List<String> b = test.argv();
        assertEquals(a.size(), b.size(), a + "\n" + b);
        // where the two command lines differ, it is the value of an address or size option
        Set<String> valueFlags = Set.of("--queue", "--files", "--driver-memory", "--executor-memory",
                "--executor-cores", "--num-executors");
        Set<String> valueConfs = Set.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions",
                "spark.executor.memoryOverhead", "spark.driver.memoryOverhead", "run.dir");
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(i))) {
                continue;
            }
            String prev = i > 0 ? a.get(i - 1) : "";
            String key = a.get(i).contains("=") ? a.get(i).substring(0, a.get(i).indexOf('=')) : "";
            boolean sameKey = b.get(i).startsWith(key + "=");
            boolean allowed = valueFlags.contains(prev) || (sameKey && valueConfs.contains(key))
                    || prev.equals("run") || a.get(i).equals(jar.toString());
            assertTrue(allowed, "yarn.sh's argument " + i + " differs beyond an address or size: " + a.get(i)
                    + " vs " + b.get(i));
            differ.add(sameKey && !key.isEmpty() ? key : prev);
        }
        assertEquals(List.of("--files", "--driver-memory", "--executor-memory", "--executor-cores",
                "--num-executors", "spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions",
                "spark.executor.memoryOverhead", "spark.driver.memoryOverhead", "run", "run.dir"), differ,
                "the test's addresses and sizes reach the command line, nothing else differs");
        assertEquals("yarn", test.after("--master"));
        assertEquals("cluster", test.after("--deploy-mode"));
        assertEquals("kka-yarn-it.yaml", b.get(b.indexOf("run") + 1), "the config is read from the container");
    }

    @Test
    void kubernetesExampleReferencesAreConsistent(@TempDir Path dir) throws Exception {
        String script = Files.readString(PROJECT.resolve("submit/examples/kubernetes.sh"));
        Run r = SubmitScripts.run(dir, "submit/examples/kubernetes.sh", Map.of());
        assertEquals(0, r.exit(), r.output());
        Map<String, String> conf = r.confs();
        assertTrue(r.after("--master").startsWith("k8s://https://"), r.argv().toString());
        assertEquals("cluster", r.after("--deploy-mode"));
        assertTrue(r.after("--files").endsWith("conf/kka.yaml"), r.argv().toString());
        assertNotNull(conf.get("spark.kubernetes.file.upload.path"), "--files in cluster mode needs an upload path");
        assertTrue(r.argv().stream().anyMatch(a -> a.startsWith("local:///")), "the jar comes from the image");

        for (String role : List.of("driver", "executor")) {
            // the pod template: a file that parses, a Pod whose named container mounts only declared volumes
            Path template = Path.of(conf.get("spark.kubernetes." + role + ".podTemplateFile"));
            assertTrue(Files.isRegularFile(template), role + " pod template " + template);
            JsonNode pod = YAML.readTree(template.toFile());
            assertEquals("v1", pod.path("apiVersion").asText());
            assertEquals("Pod", pod.path("kind").asText());
            String name = conf.get("spark.kubernetes." + role + ".podTemplateContainerName");
            JsonNode container = null;
            for (JsonNode c : pod.path("spec").path("containers")) {
                container = c.path("name").asText().equals(name) ? c : container;
            }
            assertNotNull(container, "no container " + name + " in " + template);
            Set<String> volumes = new HashSet<>();
            pod.path("spec").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
            Set<String> mountPaths = new HashSet<>();
            for (JsonNode m : container.path("volumeMounts")) {
                assertTrue(volumes.contains(m.path("name").asText()), "mount of an undeclared volume: " + m);
                mountPaths.add(m.path("mountPath").asText());
            }
            // ND4J's natives are unpacked into the JavaCPP cache: a mounted, writable volume
            Matcher cache = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.cachedir=(\\S+)")
                    .matcher(conf.get("spark." + role + ".extraJavaOptions"));
            assertTrue(cache.find(), role + " JavaCPP cache dir");
            assertTrue(mountPaths.contains(cache.group(1)), cache.group(1) + " is not mounted in " + template);
        }

        // the secret: the same reference for driver and executors (executors make the HTTP calls), naming the
        // secret and key the header tells to create, filling the variable the config is told to read
        Matcher create = Pattern.compile("kubectl create secret generic (\\S+) --from-literal=(\\w+)=").matcher(script);
        assertTrue(create.find(), "the header tells how to create the secret");
        Matcher reads = Pattern.compile("llm\\.api_key: (env:\\w+)").matcher(script);
        assertTrue(reads.find(), "the header tells which variable the config reads");
        String variable = reads.group(1).substring("env:".length());
        new SecretRef(reads.group(1));  // a reference the config accepts
        for (String role : List.of("driver", "executor")) {
            String prefix = "spark.kubernetes." + role + ".secretKeyRef.";
            List<String> refs = conf.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
            assertEquals(List.of(prefix + variable), refs, role + " secret references");
            assertEquals(create.group(1) + ":" + create.group(2), conf.get(prefix + variable));
        }
        for (String a : r.argv()) {
            assertFalse(a.contains("api_key=") && !a.matches(".*api_key=(env|file):.*"), "a key value: " + a);
        }
    }

    @Test
    void examplesPassOnlySettingsSparkKnows(@TempDir Path dir) throws Exception {
        Object registered = org.apache.spark.internal.config.package$.MODULE$;  // registers Spark's core entries
        assertNotNull(registered);
        Path jar = Files.writeString(dir.resolve("app.jar"), "not a real jar");
        for (String script : List.of("standalone.sh", "yarn.sh", "kubernetes.sh")) {
            Run r = SubmitScripts.run(dir.resolve(script), "submit/examples/" + script,
                    Map.of("APP_JAR", script.equals("kubernetes.sh") ? "local:///opt/kka/app.jar" : jar.toString(),
                            "USER", "tester"));
            assertEquals(0, r.exit(), script + ": " + r.output());
            for (String key : r.confs().keySet()) {
                // YARN's and Kubernetes' own settings live in modules this project does not compile against;
                // YarnHdfsIT runs yarn.sh's on YARN
                if (!key.startsWith("spark.yarn.") && !key.startsWith("spark.kubernetes.")) {
                    assertNotNull(ConfigEntry$.MODULE$.findEntry(key), script + " sets " + key
                            + ", which Spark does not know (a typo, or a deprecated name?)");
                }
            }
        }
    }
}
