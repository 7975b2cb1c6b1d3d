package io.kka.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ConfigLoader}, {@link ConfigBinder} and {@link ConfigPrinter}. */
class ConfigLoaderTest {

    private static List<String> errors(String yaml, String... overrides) {
        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.parse(yaml, "test.yaml",
                List.of(overrides)));
        return e.errors();
    }

    @Test
    void emptyFileGivesDefaults() {
        assertEquals(JobConfig.defaults(), ConfigLoader.parse("", "empty", List.of()));
    }

    @Test
    void shippedConfigsLoad() throws Exception {
        Path conf = Path.of(System.getProperty("kka.project.dir", "."), "conf");
        try (var files = Files.list(conf)) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertFalse(yamls.isEmpty());
            for (Path p : yamls) {
                JobConfig cfg = ConfigLoader.load(p, List.of());
                assertTrue(cfg.run().seed() != 0, p.toString());
            }
        }
    }

    @Test
    void ruleViolationNamesKeyRuleAndValue() {
        assertEquals(List.of("llm.http.concurrency must be >= 1, found 0"),
                errors("llm:\n  http:\n    concurrency: 0\n"));
        assertEquals(List.of("task.val_fraction must be in (0.0, 1.0), found 1.5"),
                errors("task:\n  val_fraction: 1.5\n"));
        assertEquals(List.of("data.channels must be 1 or 3, found 2"), errors("data:\n  channels: 2\n"));
    }

    @Test
    void unknownKeyIsAnErrorWithDidYouMean() {
        assertEquals(List.of("run.iteratons is not a known key (did you mean 'iterations'?)"),
                errors("run:\n  iteratons: 2\n"));
        List<String> e = errors("bogus_section: {}\n");
        assertTrue(e.get(0).startsWith("bogus_section is not a known key; valid keys: run, data"), e.get(0));
    }

    @Test
    void typeMismatchAndEnumErrors() {
        assertEquals(List.of("run.iterations must be an integer, found 'three'"), errors("run:\n  iterations: three\n"));
        assertEquals(List.of("run.mode must be one of [add, replace], found 'swap'"), errors("run:\n  mode: swap\n"));
        assertEquals(List.of("data must be a mapping of keys, found 'x'"), errors("data: x\n"));
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        List<String> e = errors("run:\n  iterations: -1\nllm:\n  temperature: 9\n  bogus: 1\n");
        assertEquals(3, e.size(), e.toString());
        assertTrue(e.contains("run.iterations must be >= 0, found -1"), e.toString());
        assertTrue(e.contains("llm.temperature must be in [0.0, 2.0], found 9.0"), e.toString());
    }

    @Test
    void literalSecretsAreRejectedAndNeverEchoed() {
        List<String> e = errors("llm:\n  api_key: sk-live-abcdef123456\n");
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("llm.api_key must be a secret reference env:NAME or file:PATH"), e.get(0));
        assertFalse(e.get(0).contains("sk-live"), e.get(0));
    }

    @Test
    void secretReferencesResolveAndPrintRedacted(@TempDir Path dir) throws Exception {
        JobConfig cfg = ConfigLoader.parse("llm:\n  api_key: env:MY_KEY\n", "t", List.of());
        String printed = ConfigPrinter.yaml(cfg);
        assertTrue(printed.contains("api_key: env:MY_KEY"), printed);
        SecretRef.Secret s = cfg.llm().apiKey().resolve(Map.of("MY_KEY", "sk-123")::get);
        assertEquals("sk-123", s.reveal());
        assertEquals("***", s.toString());
        Path f = dir.resolve("key");
        Files.writeString(f, "sk-file\n");
        assertEquals("sk-file", new SecretRef("file:" + f).resolve().reveal());
        ConfigException unset = assertThrows(ConfigException.class,
                () -> new SecretRef("env:NOPE_NOT_SET_42").resolve(n -> null));
        assertEquals("env:NOPE_NOT_SET_42 must name a set environment variable, found unset", unset.getMessage());
    }

    @Test
    void anApiKeyIsNeverSentInClearToARemoteHost() {
        String key = "  api_key: env:MY_KEY\n";
        assertEquals(List.of("llm.base_url would send the API key in clear over http:// to a host that is not"
                + " loopback; use https://, or set allow_insecure_http: true if the network is trusted, found"
                + " 'http://vllm.internal:8000/v1'"),
                errors("llm:\n  provider: openai\n  base_url: http://vllm.internal:8000/v1\n" + key));
        assertEquals(1, errors("images:\n  provider: automatic1111\n  base_url: http://10.0.0.7:7860\n" + key)
                .size());
        assertEquals(1, errors("tuning:\n  provider: openai\n  base_url: http://ft.example.com/v1\n" + key)
                .size());
        // allowed: https, loopback http, no key, or the explicit opt-in
        List<String> fine = new java.util.ArrayList<>();
        for (String url : List.of("https://vllm.internal:8000/v1", "http://127.0.0.1:8000/v1",
                "http://localhost:8000", "http://[::1]:8000/v1")) {
            fine.add("llm:\n  provider: openai\n  base_url: " + url + "\n" + key);
        }
        fine.add("llm:\n  provider: openai\n  base_url: http://vllm.internal:8000/v1\n");
        fine.add("llm:\n  provider: openai\n  base_url: http://vllm.internal:8000/v1\n" + key
                + "  http:\n    allow_insecure_http: true\n");
        fine.add("tuning:\n  provider: openai\n  base_url: http://ft.example.com/v1\n" + key
                + "  allow_insecure_http: true\n");
        for (String yaml : fine) {
            ConfigLoader.parse(yaml, "test.yaml", List.of());
        }
    }

    @Test
    void overridesApplyAndAreValidated() {
        JobConfig cfg = ConfigLoader.parse("run:\n  iterations: 3\n", "t",
                List.of("run.iterations=1", "task.normal_classes=[Trouser, Bag]", "run.mode=add"));
        assertEquals(1, cfg.run().iterations());
        assertEquals(List.of("Trouser", "Bag"), cfg.task().normalClasses());
        assertEquals(RunConfig.UpdateMode.ADD, cfg.run().mode());
        assertEquals(List.of("evaluator.epochs must be >= 1, found 0"), errors("", "evaluator.epochs=0"));
        assertEquals(List.of("--set nokey must have the form key=value"), errors("", "nokey"));
    }

    @Test
    void printedConfigLoadsBackToTheSameRecord() {
        JobConfig cfg = ConfigLoader.parse("run:\n  iterations: 2\nllm:\n  api_key: env:K\n  stop: [\"\\n\\n\"]\n",
                "t", List.of());
        assertEquals(cfg, ConfigLoader.parse(ConfigPrinter.yaml(cfg), "printed", List.of()));
    }

    @Test
    void compactConstructorsValidateInCode() {
        ConfigException e = assertThrows(ConfigException.class, () -> new HttpConfig(0, 0, 0, 1, 0, 1, 1, 0, true));
        assertEquals("concurrency must be >= 1, found 0", e.getMessage());
    }

    @Test
    void missingFileIsOneClearError(@TempDir Path dir) {
        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), List.of()));
        assertEquals("config file does not exist: " + dir.resolve("nope.yaml"), e.getMessage());
    }

    @Test
    void invalidYamlNamesTheLine() {
        List<String> e = errors("run:\n  name: [unclosed\n");
        assertTrue(e.get(0).startsWith("test.yaml is not valid YAML at line"), e.get(0));
    }

    @Test
    void learnedFeaturesForEq2NeedAPretrainedEncoderAtIterationZero() {
        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.parse("", "test",
                List.of("representatives.features=encoder")));
        assertTrue(e.getMessage().contains("representatives.features encoder needs an encoder at iteration 0"),
                e.getMessage());
        assertEquals(RepresentativesConfig.FeatureKind.ENCODER, ConfigLoader.parse("", "test", List.of(
                "representatives.features=encoder", "evaluator.pretrain.enabled=true")).representatives().features());
    }
}
