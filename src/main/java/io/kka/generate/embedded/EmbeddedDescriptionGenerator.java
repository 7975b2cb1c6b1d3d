package io.kka.generate.embedded;

import io.kka.config.LlmConfig;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.DescriptionParser;
import io.kka.generate.GenerationSchemas;
import io.kka.store.HadoopConf;
import java.util.Collection;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Eq. 3 with the embedded stand-in language model: for each prompt row, on the executors, draws
 * {@code llm.n × llm.descriptions_per_prompt} descriptions conditioned on the row's normal examples with the row's
 * seed, removes duplicates and (if {@code llm.drop_normal_mentions}) descriptions that name a normal class, and
 * emits {@link GenerationSchemas#DESCRIPTIONS} rows.
 *
 * <p>The model's bytes are broadcast once and parsed once per partition. A row's output depends only on the row
 * and the weights, so results are identical however the prompts are partitioned. Usage counts words as tokens
 * (prompt words; words of all draws) and is attributed to the first kept description; cost is 0. A prompt whose
 * draws are all empty, duplicates or dropped gives no row.
 */
public final class EmbeddedDescriptionGenerator implements DescriptionGenerator {
    private final SparkSession spark;
    private final DescribePartition.Settings settings;
    private final Broadcast<byte[]> weights;
    private final LongAccumulator dropped;
    private final String name;

    private EmbeddedDescriptionGenerator(SparkSession spark, LlmConfig llm, EmbeddedLanguageModel model,
            Collection<String> normalClasses) {
        this.spark = spark;
        this.name = llm.model() + "@" + model.fingerprint();
        this.weights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.toBytes());
        this.dropped = spark.sparkContext().longAccumulator("embedded LM: descriptions naming a normal class");
        int maxWords = Math.min(llm.embedded().maxWords(), llm.maxTokens());
        this.settings = new DescribePartition.Settings(name, llm.n() * llm.descriptionsPerPrompt(),
                llm.temperature(), llm.topP(), maxWords, llm.dropNormalMentions(), List.copyOf(normalClasses));
    }

    /**
     * @param spark         the session
     * @param llm           llm config: model, n, descriptions_per_prompt, temperature, top_p, max_tokens,
     *                      drop_normal_mentions and embedded.max_words are used
     * @param model         the (pre-trained or tuned) model; its bytes are broadcast
     * @param normalClasses names of the normal classes (for dropping descriptions that name one)
     * @return the generator
     */
    public static EmbeddedDescriptionGenerator of(SparkSession spark, LlmConfig llm, EmbeddedLanguageModel model,
            Collection<String> normalClasses) {
        return new EmbeddedDescriptionGenerator(spark, llm, model, normalClasses);
    }

    /**
     * @param spark         the session
     * @param llm           llm config
     * @param modelUri      weights written by {@link EmbeddedLanguageModel#save} (e.g. the current iteration's
     *                      {@code lm/} file); read once on the driver and broadcast
     * @param normalClasses names of the normal classes
     * @return the generator
     * @throws IllegalArgumentException if the file is missing or not a model
     */
    public static EmbeddedDescriptionGenerator of(SparkSession spark, LlmConfig llm, String modelUri,
            Collection<String> normalClasses) {
        EmbeddedLanguageModel model = EmbeddedLanguageModel.load(modelUri, HadoopConf.of(spark).get());
        return new EmbeddedDescriptionGenerator(spark, llm, model, normalClasses);
    }

    @Override
    public Dataset<Row> describe(Dataset<Row> prompts) {
        io.kka.data.SampleSchema.require(prompts, "prompt_id", "iteration", "prompt", "examples", "seed");
        JavaRDD<Row> rows = prompts.javaRDD().mapPartitions(new DescribePartition(settings, weights, dropped));
        return spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS);
    }

    @Override
    public String modelName() {
        return name;
    }

    /**
     * @return descriptions dropped for naming a normal class so far, counted each time the output is computed
     *     (persist the output before counting it twice)
     */
    public long droppedNormalMentions() {
        return dropped.value();
    }

    /**
     * @param description a description
     * @param normalClasses normal class names
     * @return whether {@code llm.drop_normal_mentions} would drop it
     */
    static boolean namesNormal(String description, Collection<String> normalClasses) {
        return DescriptionParser.namedClass(description, normalClasses) != null;
    }
}
