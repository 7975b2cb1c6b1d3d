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
 *
 * <p>No notebook may bring a whole table's image bytes into Python: {@code notebook_checks.py image-reads} follows
 * every call that materialises Parquet rows back through its chain of calls, assignments and call sites, and wants
 * a column selection without {@code image} or a bound of at most 100 rows. The explore notebook's readers are also
 * run (python3 only: plotting and data modules stubbed, PySpark absent or faked) to check that a Hadoop URI goes
 * through PySpark, that without PySpark a remote URI fails with how to get it, and what reaches {@code toPandas}.
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
        String[] r = python(code, "-c", "import ast, sys; ast.parse(sys.stdin.read())");
        assertEquals("0", r[0], nb + " does not parse as Python:\n" + r[1]);
    }

    /** @return {exit code, stdout and stderr} of python3 with these arguments, fed stdin */
    private static String[] python(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(Arrays.asList(args));
        Process py = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        py.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        py.getOutputStream().close();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(py.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        return new String[] {Integer.toString(py.exitValue()), out};
    }

    /** @return the JSON that {@code notebook_checks.py CHECK} prints for stdin */
    private static JsonNode check(String check, String stdin) throws Exception {
        Path script = Path.of(NotebookTest.class.getResource("notebook_checks.py").toURI());
        String[] r = python(stdin, script.toString(), check);
        assertEquals("0", r[0], "notebook_checks.py " + check + ":\n" + r[1]);
        return JSON.readTree(r[1].lines().reduce((a, b) -> b).orElseThrow());
    }

    /** @return the code cells of a notebook, one string each */
    private static List<String> codeCells(JsonNode nb) {
        List<String> out = new ArrayList<>();
        for (JsonNode cell : nb.path("cells")) {
            if (cell.path("cell_type").asText().equals("code")) {
                StringBuilder b = new StringBuilder();
                cell.path("source").forEach(line -> b.append(line.asText()));
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void noNotebookLoadsTheImagesOfAWholeTable() throws Exception {
        for (Path p : notebooks()) {
            JsonNode problems = check("image-reads", code(JSON.readTree(p.toFile())));
            assertEquals(0, problems.size(), p + " may bring a whole table's image bytes into Python: " + problems);
        }
    }

    @Test
    void imageCheckerFlagsWholeTableReadsAndPassesBoundedOnes() throws Exception {
        String code = String.join("\n",
                "import pandas as pd",
                "import pyarrow.dataset as ds",
                "import pyarrow.parquet as pq",
                "IMAGE = 'image'",
                "SMALL = 16",
                "COLS = ['sample_id', 'score']",
                "WITH_IMAGE = COLS + [IMAGE]",
                "a = spark.read.parquet(p).toPandas()",
                "b = pd.read_parquet(p)",
                "c = pd.read_parquet(p, columns=['sample_id', 'image'])",
                "df = spark.read.parquet(p)",
                "d = df.where(df.score > 0).collect()",
                "def t(cols):",
                "    return spark.read.parquet(p).select(*cols).toPandas()",
                "t(['sample_id'])",
                "t(WITH_IMAGE)",
                "e = spark.read.parquet(p).select(IMAGE).limit(10000).toPandas()",
                "f = ds.dataset(p).to_table(filter=ds.field('sample_id').isin(ids))",
                "g = spark.read.parquet(p).drop('image').toPandas()",
                "h = spark.read.parquet(p).select('sample_id', IMAGE).limit(SMALL).toPandas()",
                "i = pq.read_table(p, columns=COLS).to_pandas()",
                "j = ds.dataset(p).scanner(columns=WITH_IMAGE, filter=x).head(SMALL).to_pandas()",
                "k = spark.read.parquet(p).groupBy('hardness').count().toPandas()",
                "l = spark.read.text(p, wholetext=True).first()[0]",
                "m = pd.read_parquet(p, columns=COLS).head(20)",
                "");
        Set<Integer> flagged = new TreeSet<>();
        check("image-reads", code).forEach(problem -> flagged.add(problem.path("line").asInt()));
        // a: every column; b: no columns; c: the image column; d: through an assignment; t: through a call site
        // with the image column; e: a bound too large; f: a filter is no bound. g to m are fine.
        assertEquals(new TreeSet<>(List.of(8, 9, 10, 12, 14, 17, 18)), flagged);
    }

    @Test
    void exploreNotebookReadsHadoopUrisThroughPySparkAndSaysHowToGetIt() throws Exception {
        Path nb = SchemaValidation.projectDir().resolve("notebooks/explore_run.ipynb");
        JsonNode r = check("backends", JSON.writeValueAsString(codeCells(JSON.readTree(nb.toFile()))));
        String remote = r.path("remote_without_spark").asText();
        assertTrue(remote.contains("needs PySpark") && remote.contains("pip install 'pyspark==3.5.*'")
                && remote.contains("hdfs dfs -get"), "without PySpark, a remote URI says how to read it: " + r);
        assertEquals("[\"LocalRun\",\"/tmp/kka-run\"]", r.path("local_without_spark").toString(), "file: URI");
        assertEquals("[\"LocalRun\",\"runs/quickstart\"]", r.path("plain_without_spark").toString());
        assertEquals("SparkRun", r.path("remote_with_spark").asText());
        assertEquals("[\"SparkRun\",\"file:///tmp/kka-run\"]", r.path("local_with_spark").toString(),
                "with PySpark a local path is read by Spark too");
        assertEquals("LocalRun", r.path("local_with_spark_forced_off").asText());
        assertTrue(r.path("image_table_refused").asBoolean(), "table() refuses the image column");
        JsonNode table = r.path("plans").path(0);
        assertFalse(table.path("columns").toString().contains("\"image\""), "a table comes without images: " + r);
        assertEquals("select", table.path("plan").path(1).path(0).asText(), table.toString());
        JsonNode images = r.path("plans").path(1);
        int sample = r.path("image_sample").asInt();
        assertTrue(sample > 0 && sample <= 16, "a small image sample: " + sample);
        assertEquals("[\"sample_id\",\"image\"]", images.path("columns").toString(), images.toString());
        JsonNode last = images.path("plan").path(images.path("plan").size() - 1);
        assertEquals("[\"limit\"," + sample + "]", last.toString(), "images are read for a bounded sample: " + images);
        assertEquals(2, r.path("plans").size(), "nothing else reached toPandas: " + r);
    }

}
