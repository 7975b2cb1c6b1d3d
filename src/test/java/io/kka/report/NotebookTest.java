package io.kka.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.testing.SchemaValidation;
import io.kka.testing.SyntheticRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CI check of {@code notebooks/}: every notebook is valid JSON in nbformat 4 with a Python kernel, carries no
 * outputs or execution counts, parses as Python, and reads only columns and keys that exist in
 * {@code data-schemas/} (or in the scores and latent tables of the run-directory contract). Reads are found as
 * string literals in square brackets ({@code df["score"]}, {@code ["a", "b"]}) and in {@code .get("key")}.
 */
class NotebookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BRACKETS = Pattern.compile(
            "\\[\\s*((?:\"[^\"\\n]*\"|'[^'\\n]*')(?:\\s*,\\s*(?:\"[^\"\\n]*\"|'[^'\\n]*'))*)\\s*,?\\s*]");
    private static final Pattern LITERAL = Pattern.compile("\"([^\"\\n]*)\"|'([^'\\n]*)'");
    private static final Pattern GET = Pattern.compile("\\.get\\(\\s*(?:\"([^\"\\n]*)\"|'([^'\\n]*)')");
    private static final Pattern COLUMNS = Pattern.compile("(?m)^(\\w+)_COLUMNS\\s*=\\s*\\[([^]]*)]");

    static List<Path> notebooks() throws IOException {
        try (Stream<Path> s = Files.list(SchemaValidation.projectDir().resolve("notebooks"))) {
            return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    /** @return the names read by the code: bracketed string literals and .get keys */
    static Set<String> reads(String code) {
        Set<String> out = new TreeSet<>();
        Matcher b = BRACKETS.matcher(code);
        while (b.find()) {
            Matcher l = LITERAL.matcher(b.group(1));
            while (l.find()) {
                out.add(l.group(1) != null ? l.group(1) : l.group(2));
            }
        }
        Matcher g = GET.matcher(code);
        while (g.find()) {
            out.add(g.group(1) != null ? g.group(1) : g.group(2));
        }
        return out;
    }

    /** @return every property name defined (or required) anywhere in the given schemas */
    static Set<String> schemaNames(String... schemas) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String s : schemas) {
            collect(JSON.readTree(SchemaValidation.projectDir().resolve("data-schemas").resolve(s).toFile()), out);
        }
        return out;
    }

    private static void collect(JsonNode n, Set<String> out) {
        if (n.isObject()) {
            n.path("properties").fieldNames().forEachRemaining(out::add);
            // keys required without a properties entry (e.g. seconds.total) are defined too
            n.path("required").forEach(r -> out.add(r.asText()));
            n.forEach(c -> collect(c, out));
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        }
    }

    static String code(JsonNode nb) {
        StringBuilder b = new StringBuilder();
        for (JsonNode cell : nb.path("cells")) {
            if (cell.path("cell_type").asText().equals("code")) {
                cell.path("source").forEach(line -> b.append(line.asText()));
                b.append("\n\n");
            }
        }
        return b.toString();
    }

    @Test
    void notebooksAreStrippedNbformat4Python() throws Exception {
        List<Path> nbs = notebooks();
        assertFalse(nbs.isEmpty(), "notebooks/ holds at least one notebook");
        for (Path p : nbs) {
            JsonNode nb = JSON.readTree(p.toFile());
            assertEquals(4, nb.path("nbformat").asInt(), p + ": nbformat");
            assertEquals("python", nb.path("metadata").path("kernelspec").path("language").asText(), p.toString());
            int code = 0;
            for (JsonNode cell : nb.path("cells")) {
                assertTrue(Set.of("code", "markdown", "raw").contains(cell.path("cell_type").asText()), p.toString());
                if (cell.path("cell_type").asText().equals("code")) {
                    code++;
                    assertTrue(cell.path("outputs").isArray() && cell.path("outputs").isEmpty(), p + ": outputs");
                    assertTrue(cell.path("execution_count").isNull(), p + ": execution_count");
                }
            }
            assertTrue(code >= 5, p + ": explores the run in several code cells");
            assertPythonParses(p, code(nb));
        }
    }

    @Test
    void everyColumnAndKeyTheNotebooksReadExistsInTheSchemas() throws Exception {
        Set<String> samples = schemaNames("samples.schema.json");
        Set<String> scores = Set.of(SyntheticRun.SCORES.fieldNames());
        Set<String> latent = Set.of(SyntheticRun.LATENT.fieldNames());
        Set<String> known = new TreeSet<>(samples);
        known.addAll(scores);
        known.addAll(latent);
        known.addAll(schemaNames("metrics.schema.json", "iteration-metrics.schema.json", "state.schema.json"));
        for (Path p : notebooks()) {
            String code = code(JSON.readTree(p.toFile()));
            Set<String> unknown = new TreeSet<>(reads(code));
            unknown.removeAll(known);
            assertEquals(Set.of(), unknown, p + " reads names that data-schemas/ does not define");
            Matcher m = COLUMNS.matcher(code);
            while (m.find()) {
                Set<String> table = switch (m.group(1)) {
                    case "GENERATED" -> samples;
                    case "SCORES" -> scores;
                    case "LATENT" -> latent;
                    default -> throw new AssertionError(p + ": unknown table " + m.group(1) + "_COLUMNS");
                };
                Set<String> cols = reads("[" + m.group(2) + "]");
                assertTrue(table.containsAll(cols), p + ": " + m.group(1) + "_COLUMNS " + cols + " not in " + table);
            }
        }
    }

    @Test
    void checkerFindsReadsAndRejectsUnknownColumns() throws Exception {
        String code = "df[\"score\"] + m['anomaly_set'][\"hard_fraction\"]\nx = df[[\"role\", 'split']]\n"
                + "e = m.get(\"evaluation\") or {}\nbad = df[\"scroe\"]\nnot_a_read = f\"{t:03d}\" + s[1:2]\n";
        assertEquals(new TreeSet<>(Arrays.asList("anomaly_set", "evaluation", "hard_fraction", "role", "score",
                "scroe", "split")), reads(code));
        Set<String> names = schemaNames("samples.schema.json");
        assertTrue(names.containsAll(List.of("score", "hardness", "caption", "image", "stage", "cost")));
        assertFalse(names.contains("scroe"));
        Set<String> nb = reads(code(JSON.readTree(notebooks().get(0).toFile())));
        assertTrue(nb.containsAll(List.of("score", "hardness", "caption", "image", "hard_fraction", "threshold",
                "kind", "auroc")), "the checker sees the notebook's reads: " + nb);
    }

    /** Parses the code cells with python3's ast (IPython's display() is a plain call, so valid Python). */
    private static void assertPythonParses(Path nb, String code) throws Exception {
        Process py = new ProcessBuilder("python3", "-c", "import ast, sys; ast.parse(sys.stdin.read())")
                .redirectErrorStream(true).start();
        py.getOutputStream().write(code.getBytes(StandardCharsets.UTF_8));
        py.getOutputStream().close();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(py.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, py.exitValue(), nb + " does not parse as Python:\n" + out);
    }

}
