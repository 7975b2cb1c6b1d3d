package io.kka.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.SecretRef;
import io.kka.testing.SparkTestSession;
import io.kka.testing.SubmitScripts;
import io.kka.testing.SubmitScripts.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API key reaches the driver and the executors as a file shipped with {@code --files}, never as a value on a
 * spark-submit command line: the example submit scripts are run against a stand-in {@code spark-submit} that records
 * its arguments, and the Airflow DAG's operators are rendered into the command line SparkSubmitHook would build.
 */
class SubmitSecretsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String SECRET = "sk-test-" + Long.toHexString(System.nanoTime()) + "-do-not-print";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs a script with a recording spark-submit first on PATH. */
    private static Run script(Path dir, String script, Map<String, String> env) throws Exception {
        return SubmitScripts.run(dir, script, env);
    }

    private static Path keyFile(Path dir) throws IOException {
        Path key = dir.resolve("openai.key");
        Files.writeString(key, SECRET + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    @Test
    void yarnExampleShipsTheKeyAsAFileAndNeverPassesItsValue(@TempDir Path dir) throws Exception {
        Path key = keyFile(dir);
        Path jar = Files.writeString(dir.resolve("app.jar"), "not a real jar");
        Run r = script(dir, "submit/examples/yarn.sh", Map.of("OPENAI_API_KEY_FILE", key.toString(),
                "RUN_DIR", "hdfs:///tmp/kka-test", "USER", "tester", "APP_JAR", jar.toString()));
        assertEquals(0, r.exit(), r.output());
        assertEquals("conf/kka.yaml," + key, r.after("--files"), r.argv().toString());
        assertTrue(r.argv().contains("llm.api_key=file:openai.key"), r.argv().toString());
        for (String a : r.argv()) {
            assertFalse(a.contains(SECRET), "the key is on the command line: " + a);
            assertFalse(a.contains("OPENAI_API_KEY"), "no environment forwarding of the key: " + a);
        }
    }

    @Test
    void aKeyOnlyInTheEnvironmentIsRefusedNotForwarded(@TempDir Path dir) throws Exception {
        Run r = script(dir, "submit/examples/yarn.sh", Map.of("OPENAI_API_KEY", SECRET, "USER", "tester"));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("set OPENAI_API_KEY_FILE"), r.output());
        assertFalse(r.output().contains(SECRET), r.output());
        assertEquals(List.of(), r.argv(), "spark-submit was not called");
    }

    @Test
    void standaloneExampleShipsTheKeyAsAFile(@TempDir Path dir) throws Exception {
        Path key = keyFile(dir);
        Path jar = Files.writeString(dir.resolve("app.jar"), "not a real jar");
        Run r = script(dir, "submit/examples/standalone.sh", Map.of("OPENAI_API_KEY_FILE", key.toString(),
                "APP_JAR", jar.toString()));
        assertEquals(0, r.exit(), r.output());
        assertEquals(key.toString(), r.after("--files"), r.argv().toString());
        assertTrue(r.argv().contains("llm.api_key=file:openai.key"), r.argv().toString());
        assertTrue(r.argv().stream().noneMatch(a -> a.contains(SECRET)), r.argv().toString());
        Run none = script(dir, "submit/examples/standalone.sh", Map.of("APP_JAR", jar.toString()));
        assertEquals(0, none.exit(), none.output());
        assertFalse(none.argv().contains("--files"), "no key, nothing shipped: " + none.argv());
    }

    @Test
    void airflowDagShipsTheKeyFileAndSetsNoEnvironment(@TempDir Path dir) throws Exception {
        // SparkSubmitOperator stubbed: the DAG module is executed and every operator's arguments are recorded
        String harness = String.join("\n",
                "import json, sys, types",
                "ops = []",
                "class DAG:",
                "    def __init__(self, **kw): pass",
                "    def __enter__(self): return self",
                "    def __exit__(self, *a): return False",
                "class Op:",
                "    def __init__(self, **kw): self.kw = kw; ops.append(self)",
                "    def __rshift__(self, other): return other",
                "for name in ['airflow', 'airflow.providers', 'airflow.providers.apache',",
                "             'airflow.providers.apache.spark', 'airflow.providers.apache.spark.operators',",
                "             'airflow.providers.apache.spark.operators.spark_submit']:",
                "    sys.modules[name] = types.ModuleType(name)",
                "sys.modules['airflow'].DAG = DAG",
                "sys.modules['airflow.providers.apache.spark.operators.spark_submit'].SparkSubmitOperator = Op",
                "exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), {'__name__': 'kka_dag'})",
                "print(json.dumps([o.kw for o in ops]))");
        Path py = Files.writeString(dir.resolve("harness.py"), harness);
        Process p = new ProcessBuilder("python3", py.toString(), ROOT.resolve("submit/airflow/kka_dag.py").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        JsonNode ops = JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(ops.size() >= 6, out);
        int runs = 0;
        for (JsonNode op : ops) {
            assertFalse(op.has("env_vars"), op.path("task_id") + " sets env_vars (spark.yarn.appMasterEnv.* on"
                    + " YARN: the executors never see the key)");
            List<String> cmd = sparkSubmitHookCommand(op);
            assertEquals("/opt/kka/conf/kka.yaml,/opt/kka/secrets/openai.key", new Run(0, "", cmd).after("--files"), cmd.toString());
            for (String a : cmd) {
                assertFalse(a.toLowerCase().contains("api_key=") && !a.equals("llm.api_key=file:openai.key"),
                        "a key value on the command line: " + a);
                assertFalse(a.contains("OPENAI_API_KEY") || a.contains("var.value"), a);
            }
            if (op.path("application_args").path(0).asText().equals("run")) {
                runs++;
                assertTrue(cmd.contains("llm.api_key=file:openai.key"), cmd.toString());
            }
        }
        assertTrue(runs >= 5, "every run task points the config at the shipped key: " + runs);
    }

    /** The parts of SparkSubmitHook._build_spark_submit_command that the DAG's arguments feed. */
    private static List<String> sparkSubmitHookCommand(JsonNode op) {
        List<String> cmd = new ArrayList<>(List.of("spark-submit", "--master", "yarn"));
        op.path("conf").fields().forEachRemaining(e -> {
            cmd.add("--conf");
            cmd.add(e.getKey() + "=" + e.getValue().asText());
        });
        op.path("env_vars").fields().forEachRemaining(e -> {
            cmd.add("--conf");
            cmd.add("spark.yarn.appMasterEnv." + e.getKey() + "=" + e.getValue().asText());
        });
        if (op.hasNonNull("files")) {
            cmd.add("--files");
            cmd.add(op.get("files").asText());
        }
        cmd.add("--class");
        cmd.add(op.path("java_class").asText());
        cmd.add(op.path("application").asText());
        op.path("application_args").forEach(a -> cmd.add(a.asText()));
        return cmd;
    }

    @Test
    void aRelativeFileReferenceFindsTheFileShippedWithSparkSubmit(@TempDir Path dir) throws Exception {
        String name = "shipped-" + Long.toHexString(System.nanoTime()) + ".key";
        Path key = Files.writeString(dir.resolve(name), SECRET + "\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        jsc.addFile(key.toString()); // what spark-submit --files does
        SecretRef ref = new SecretRef("file:" + name);
        assertFalse(Files.exists(Path.of(name)), "not in the working directory");
        assertEquals(SECRET, ref.resolve().reveal(), "on the driver");
        List<Boolean> onExecutors = jsc.parallelize(List.of(1, 2), 2)
                .map(i -> ref.resolve().reveal().equals(SECRET)).collect();
        assertEquals(List.of(true, true), onExecutors, "on the executors");
    }
}
