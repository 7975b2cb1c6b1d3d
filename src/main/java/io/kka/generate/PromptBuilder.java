package io.kka.generate;

import io.kka.config.LlmConfig;
import io.kka.data.InvalidInputException;
import io.kka.generate.http.StableIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import scala.collection.JavaConverters;

/**
 * Builds the prompts of one iteration (Eq. 3's conditioning on X̄ₙᵗ): the template filled with the domain word,
 * the captions of the K representative normals (Eq. 2) and the number of descriptions asked for, as
 * {@code llm.prompts_per_iteration} rows of {@link GenerationSchemas#PROMPTS}.
 *
 * <p>Prompt i of iteration t gets the seed {@code StableIds.seed(runSeed, "prompt", t, i)}; it lists the examples
 * in an order shuffled with that seed (so prompts differ even at temperature 0) and its id is a hash of
 * (t, i, text). Same config, examples and seed ⇒ the same rows, hence the same requests and cache keys.
 */
public final class PromptBuilder {
    private final LlmConfig llm;
    private final PromptTemplate template;

    private PromptBuilder(LlmConfig llm, PromptTemplate template) {
        this.llm = llm;
        this.template = template;
    }

    /**
     * @param llm      language-model settings (domain, counts, system prompt)
     * @param template the prompt template
     * @return the builder
     */
    public static PromptBuilder of(LlmConfig llm, PromptTemplate template) {
        return new PromptBuilder(llm, template);
    }

    /**
     * @param llm  language-model settings; the template is read from {@code llm.prompt_template}
     * @param conf Hadoop configuration for reading it
     * @return the builder
     */
    public static PromptBuilder of(LlmConfig llm, Configuration conf) {
        return new PromptBuilder(llm, PromptTemplate.load(llm.promptTemplate(), conf));
    }

    /**
     * @param iteration KKA iteration t (>= 0)
     * @param examples  captions of the representative normals; blank ones are ignored
     * @param runSeed   the run seed
     * @return the prompt rows (with their schema, so {@code getAs(name)} works), in index order
     * @throws InvalidInputException when the template shows examples and there is none
     */
    public List<Row> rows(int iteration, List<String> examples, long runSeed) {
        List<String> captions = new ArrayList<>();
        for (String e : examples) {
            if (e != null && !e.isBlank()) {
                captions.add(e.strip().replaceAll("\\s+", " "));
            }
        }
        if (captions.isEmpty() && template.usesExamples()) {
            throw new InvalidInputException("prompt template " + template.name() + " shows {examples} but the"
                    + " representatives of iteration " + iteration + " have no captions");
        }
        String system = llm.systemPrompt().isEmpty() ? null : llm.systemPrompt();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < llm.promptsPerIteration(); i++) {
            long seed = StableIds.seed(runSeed, "prompt", iteration, i);
            List<String> order = new ArrayList<>(captions);
            Collections.shuffle(order, new Random(seed));
            String text = template.fill(llm.domain(), order, llm.descriptionsPerPrompt());
            // arrays as Scala sequences, as in rows Spark produces, so that getList works
            rows.add(new GenericRowWithSchema(new Object[] {StableIds.of(iteration, i, text), iteration, system, text,
                JavaConverters.asScalaBuffer(order).toList(), seed}, GenerationSchemas.PROMPTS));
        }
        return rows;
    }

    /**
     * @param spark     the session
     * @param iteration KKA iteration t
     * @param examples  captions of the representative normals
     * @param runSeed   the run seed
     * @return the prompts as a frame of {@link GenerationSchemas#PROMPTS}
     */
    public Dataset<Row> prompts(SparkSession spark, int iteration, List<String> examples, long runSeed) {
        return spark.createDataFrame(rows(iteration, examples, runSeed), GenerationSchemas.PROMPTS);
    }
}
