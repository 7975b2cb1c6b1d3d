package io.kka.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.ConfigException;
import io.kka.config.ConfigLoader;
import io.kka.config.LlmConfig;
import io.kka.data.InvalidInputException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Tests for {@link PromptBuilder} and {@link PromptTemplate}. */
class PromptBuilderTest {
    private static final List<String> EXAMPLES = List.of("the flower has sparse pink petals that are thin and small",
            "this flower has yellow petals and a dark centre", "  ", "a white flower   with long stamens");

    private static LlmConfig llm(String... overrides) {
        return ConfigLoader.parse("", "test", List.of(overrides)).llm();
    }

    private static Path project() {
        return Path.of(System.getProperty("kka.project.dir", "."));
    }

    @Test
    void theDefaultTemplateIsThePapersPrompt() {
        LlmConfig llm = llm("llm.domain=flowers", "llm.descriptions_per_prompt=5", "llm.prompts_per_iteration=2",
                "llm.prompt_template=" + project().resolve("conf/prompts/kka.txt"));
        List<Row> rows = PromptBuilder.of(llm, new Configuration()).rows(0, EXAMPLES, 12345L);
        assertEquals(2, rows.size());
        String prompt = rows.get(0).getAs("prompt");
        assertTrue(prompt.startsWith("Please generate 5 new sentences that describe flowers. The sentences should"
                + " follow the exact structure and style of the examples below:\n- "), prompt);
        assertTrue(prompt.contains("- a white flower with long stamens"), "captions are trimmed: " + prompt);
        assertEquals(3, prompt.lines().filter(l -> l.startsWith("- ")).count(), "three non-blank examples: " + prompt);
        assertEquals(3, rows.get(0).getList(4).size());
        assertNull(rows.get(0).getAs("system"));
        assertEquals(0, (int) rows.get(0).getAs("iteration"));
    }

    @Test
    void idsAndSeedsAreStableAndDistinct() {
        LlmConfig llm = llm("llm.prompts_per_iteration=6", "llm.system_prompt=be brief");
        PromptBuilder b = PromptBuilder.of(llm, PromptTemplate.of("t", "{count} {domain}: {examples}"));
        List<Row> a = b.rows(3, EXAMPLES, 7L);
        assertEquals(a, b.rows(3, EXAMPLES, 7L), "same inputs, same rows");
        Set<String> ids = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (Row r : a) {
            ids.add(r.getAs("prompt_id"));
            seeds.add(r.getAs("seed"));
            texts.add(r.getAs("prompt"));
            assertEquals("be brief", r.getAs("system"));
        }
        assertEquals(6, ids.size());
        assertEquals(6, seeds.size());
        assertTrue(texts.size() > 1, "examples are shuffled per prompt");
        assertNotEquals(a.get(0).<Long>getAs("seed"), b.rows(3, EXAMPLES, 8L).get(0).<Long>getAs("seed"));
        assertNotEquals(a.get(0).<String>getAs("prompt_id"), b.rows(4, EXAMPLES, 7L).get(0).<String>getAs("prompt_id"));
    }

    @Test
    void templatesAreChecked() {
        ConfigException e = assertThrows(ConfigException.class, () -> PromptTemplate.of("x.txt", "Write {n} {domain}"));
        assertEquals("llm.prompt_template may use only the variables {domain}, {examples} and {count}, found {n} in"
                + " x.txt", e.getMessage());
        assertEquals("JSON: {\"a\": 1} 3", PromptTemplate.of("j", "JSON: {\"a\": 1} {count}").fill("d", List.of(), 3));
        ConfigException missing = assertThrows(ConfigException.class,
                () -> PromptTemplate.load("/nonexistent/t.txt", new Configuration()));
        assertTrue(missing.getMessage().startsWith("llm.prompt_template must name a readable template file, found"
                + " /nonexistent/t.txt"), missing.getMessage());
        PromptBuilder b = PromptBuilder.of(llm(), PromptTemplate.of("t", "{examples}"));
        InvalidInputException none = assertThrows(InvalidInputException.class, () -> b.rows(0, List.of(" "), 1L));
        assertTrue(none.getMessage().contains("have no captions"), none.getMessage());
    }

    @Test
    void everyShippedTemplateLoads() {
        for (String name : List.of("kka.txt", "kka-reference-code.txt", "kka-json.txt")) {
            PromptTemplate t = PromptTemplate.load(project().resolve("conf/prompts/" + name).toString(),
                    new Configuration());
            String filled = t.fill("flowers", List.of("a red rose"), 4);
            assertTrue(filled.contains("- a red rose") && filled.contains("4") && filled.contains("flowers"), filled);
        }
    }
}
