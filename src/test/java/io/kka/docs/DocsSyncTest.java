package io.kka.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kka.cli.Kka;
import io.kka.config.ConfigPrinter;
import io.kka.config.JobConfig;
import io.kka.testing.SchemaValidation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Keeps what users read in sync with the code: the README's configuration reference and first two commands,
 * data-schemas/config.schema.json, the shipped configs, and the Airflow DAG's kka flags.
 */
class DocsSyncTest {
    private static final Path ROOT = SchemaValidation.projectDir();

    @Test
    void readmeConfigReferenceMatchesTheRecords() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("<!-- config-reference:begin -->\\n(.*?)<!-- config-reference:end -->",
                Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no config-reference block");
        assertEquals(ConfigPrinter.reference(JobConfig.class), m.group(1),
                "README's configuration reference is stale: regenerate it with `submit/kka config reference`");
    }

    @Test
    void readmeStartsWithTheTwoCommands() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> commands = lines.stream().filter(l -> l.startsWith("    ")).limit(2).map(String::strip).toList();
        assertEquals(List.of("submit/quickstart.sh", "mvn -B verify"), commands);
        assertTrue(Files.isExecutable(ROOT.resolve("submit/quickstart.sh")));
    }

    @Test
    void configSchemaMatchesTheRecordsAndShippedConfigsValidate() throws Exception {
        assertEquals(ConfigPrinter.jsonSchema(JobConfig.class),
                Files.readString(ROOT.resolve("data-schemas/config.schema.json")),
                "data-schemas/config.schema.json is stale: regenerate it with `submit/kka config schema`");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> configs;
        try (Stream<Path> s = Files.walk(ROOT.resolve("conf"))) {
            configs = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(configs.size() >= 1);
        for (Path c : configs) {
            assertEquals(List.of(), SchemaValidation.errors("config.schema.json", yaml.readTree(c.toFile())),
                    c.toString());
        }
    }

    @Test
    void thePaperProtocolConfigsLoadAndUseRealEndpointsWithSecretReferences() throws Exception {
        Map<String, int[]> protocol = Map.of("cifar100", new int[] {150, 50, 3, 1000},
                "oxford102", new int[] {200, 40, 2, 200}, "ucm", new int[] {300, 40, 2, 200});
        for (Map.Entry<String, int[]> e : protocol.entrySet()) {
            Path file = ROOT.resolve("conf/paper-" + e.getKey() + ".yaml");
            io.kka.config.JobConfig c = io.kka.config.ConfigLoader.load(file, List.of());
            int[] want = e.getValue(); // epochs, milestone, updates, anomaly-set size (the paper's Sec. IV-A)
            assertEquals(want[0], c.evaluator().epochs(), file + " epochs");
            assertEquals(List.of(want[1]), c.evaluator().milestones(), file + " milestones");
            assertEquals(want[2], c.run().iterations(), file + " updates");
            assertEquals(want[3], c.selection().anomalySetSize(), file + " anomaly_set_size");
            assertEquals(1e-4, c.evaluator().learningRate(), 1e-12, file + " learning rate");
            assertEquals(32, c.evaluator().batchSizePerWorker(), file + " batch");
            assertEquals(io.kka.config.RunConfig.UpdateMode.REPLACE, c.run().mode());
            assertEquals(io.kka.config.LlmConfig.LlmProvider.OPENAI, c.llm().provider(), file.toString());
            assertTrue(c.images().provider() != io.kka.config.ImageGenConfig.ImageProvider.EMBEDDED, file.toString());
            assertTrue(c.tuning().provider() != io.kka.config.TuningConfig.TuningProvider.EMBEDDED, file.toString());
            String text = Files.readString(file);
            assertTrue(text.matches("(?s).*api_key: (env|file):.*"), file + " uses secret references");
            assertFalse(text.contains("sk-"), file + " holds no literal key");
        }
    }

    @Test
    void airflowDagCompilesAndUsesOnlyExistingFlags() throws Exception {
        Path dag = ROOT.resolve("submit/airflow/kka_dag.py");
        Process p = new ProcessBuilder("python3", "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())",
                dag.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String text = Files.readString(dag);
        Matcher args = Pattern.compile("application_args=\\[\"([a-z]+)\"(.*?)\\]", Pattern.DOTALL).matcher(text);
        CommandLine kka = new CommandLine(new Kka());
        List<String> checked = new ArrayList<>();
        while (args.find()) {
            CommandLine sub = kka.getSubcommands().get(args.group(1));
            assertTrue(sub != null, "the DAG calls `kka " + args.group(1) + "`, which does not exist");
            Matcher flag = Pattern.compile("\"(--[a-z-]+)\"").matcher(args.group(2));
            while (flag.find()) {
                assertTrue(sub.getCommandSpec().findOption(flag.group(1)) != null,
                        "`kka " + args.group(1) + "` has no option " + flag.group(1));
                checked.add(args.group(1) + " " + flag.group(1));
            }
        }
        assertTrue(checked.containsAll(List.of("run --resume", "run --until-iteration", "run --set",
                "ingest --skip-existing", "report --log-format")), checked.toString());
    }
}
