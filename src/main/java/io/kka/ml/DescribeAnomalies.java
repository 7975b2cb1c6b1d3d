package io.kka.ml;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import io.kka.config.LlmConfig;
import io.kka.generate.http.HttpDescriptionGenerator;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Eq. 3 of KKA as a Spark ML transformer: one chat completion per prompt row through any OpenAI-compatible endpoint
 * (OpenAI, vLLM, Ollama, llama.cpp server), the reply parsed into anomaly descriptions (an array, in lexicographic
 * order, trimmed and de-duplicated; those naming one of {@link #normalClasses()} dropped). Delegates to
 * {@link HttpDescriptionGenerator}, so retries, rate limits, the cache and the error rows are the job's own.
 * Usage:
 *
 * <pre>{@code
 * DescribeAnomalies describe = new DescribeAnomalies().setUrl("https://api.openai.com/v1")
 *         .setModel("gpt-4o-mini").setApiKey("env:OPENAI_API_KEY").setInputCol("prompt");
 * Dataset<Row> out = describe.transform(prompts);   // + descriptions, describe_error, describe_usage
 * }</pre>
 */
public final class DescribeAnomalies extends HttpStage<DescribeAnomalies> {
    private static final long serialVersionUID = 1L;
    private final Param<String> systemPrompt;
    private final DoubleParam temperature;
    private final DoubleParam topP;
    private final IntParam maxTokens;
    private final IntParam n;
    private final StringArrayParam stop;
    private final BooleanParam dropNormalMentions;
    private final StringArrayParam normalClasses;
    private final DoubleParam pricePer1kInput;
    private final DoubleParam pricePer1kOutput;

    /** A stage with a random uid; set url and model before use. */
    public DescribeAnomalies() {
        this(Identifiable$.MODULE$.randomUID("describeAnomalies"));
    }

    /** @param uid the uid (used by {@code copy} and the reader) */
    public DescribeAnomalies(String uid) {
        super(uid, "describe", "prompt", "descriptions");
        systemPrompt = new Param<>(this, "systemPrompt", "system message sent before every prompt; \"\" sends none");
        temperature = new DoubleParam(this, "temperature", "sampling temperature", ParamValidators.inRange(0, 2));
        topP = new DoubleParam(this, "topP", "nucleus sampling top_p", ParamValidators.inRange(0, 1));
        maxTokens = new IntParam(this, "maxTokens", "completion token limit per request", ParamValidators.gtEq(1));
        n = new IntParam(this, "n", "choices per request", ParamValidators.inRange(1, 128));
        stop = new StringArrayParam(this, "stop", "stop sequences");
        dropNormalMentions = new BooleanParam(this, "dropNormalMentions", "drop descriptions that name one of"
                + " normalClasses");
        normalClasses = new StringArrayParam(this, "normalClasses", "the task's normal class names");
        pricePer1kInput = new DoubleParam(this, "pricePer1kInput", "estimated cost per 1000 prompt tokens (usage"
                + " cost)", ParamValidators.gtEq(0));
        pricePer1kOutput = new DoubleParam(this, "pricePer1kOutput", "estimated cost per 1000 completion tokens",
                ParamValidators.gtEq(0));
        LlmConfig d = LlmConfig.defaults();
        setDefault(systemPrompt, "");
        setDefault(temperature, d.temperature());
        setDefault(topP, d.topP());
        setDefault(maxTokens, d.maxTokens());
        setDefault(n, d.n());
        setDefault(stop, d.stop().toArray(new String[0]));
        setDefault(dropNormalMentions, d.dropNormalMentions());
        setDefault(normalClasses, new String[0]);
        setDefault(pricePer1kInput, d.pricePer1kInput());
        setDefault(pricePer1kOutput, d.pricePer1kOutput());
    }

    @Override
    protected String stage() {
        return "describe";
    }

    @Override
    protected DataType outputType() {
        return DataTypes.createArrayType(DataTypes.StringType, false);
    }

    /**
     * @return the language-model settings the params make (prompt template, domain and the per-iteration counts
     *         belong to the loop and keep their defaults)
     */
    public LlmConfig llmConfig() {
        LlmConfig d = LlmConfig.defaults();
        return new LlmConfig(LlmConfig.LlmProvider.OPENAI, getUrl(), getModel(), secretRef(), d.promptTemplate(),
                getSystemPrompt(), d.domain(), d.promptsPerIteration(), d.descriptionsPerPrompt(),
                (Double) getOrDefault(temperature), (Double) getOrDefault(topP), (Integer) getOrDefault(maxTokens),
                (Integer) getOrDefault(n), List.of(getOrDefault(stop)), (Boolean) getOrDefault(dropNormalMentions),
                (Double) getOrDefault(pricePer1kInput), (Double) getOrDefault(pricePer1kOutput), httpConfig(),
                d.embedded());
    }

    @Override
    protected Dataset<Row> call(Dataset<Row> requests) {
        LlmConfig llm = llmConfig();
        HttpDescriptionGenerator gen = HttpDescriptionGenerator.of(requests.sparkSession(), llm,
                List.of(getOrDefault(normalClasses)), cacheRoot());
        Dataset<Row> prompts = requests.select(col(KEY).as("prompt_id"), lit(0).as("iteration"),
                lit(llm.systemPrompt()).as("system"), col(TEXT).as("prompt"),
                array().cast(DataTypes.createArrayType(DataTypes.StringType, false)).as("examples"),
                col(SEED).as("seed"));
        // one row per description (usage on the first, so the sums are the request's); back to one per prompt
        return gen.describe(prompts).groupBy(col("prompt_id").as(KEY)).agg(
                array_sort(collect_list(col("description"))).as(OUT),
                first(col("error"), true).as(ERROR),
                struct(sum("usage.requests").cast(DataTypes.IntegerType).as("requests"),
                        sum("usage.retries").cast(DataTypes.IntegerType).as("retries"),
                        sum("usage.prompt_tokens").as("prompt_tokens"),
                        sum("usage.completion_tokens").as("completion_tokens"),
                        sum("usage.images").cast(DataTypes.IntegerType).as("images"),
                        max("usage.cached").as("cached"), sum("usage.cost").as("cost")).as(USAGE));
    }

    /** @return the reader {@link org.apache.spark.ml.PipelineModel#load} calls */
    public static MLReader<DescribeAnomalies> read() {
        return StageIO.reader(DescribeAnomalies.class, (uid, path, spark) -> new DescribeAnomalies(uid));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the stage
     */
    public static DescribeAnomalies load(String path) {
        return read().load(path);
    }

    // ---- params

    /** @return the system message param (default "") */
    public Param<String> systemPrompt() {
        return systemPrompt;
    }

    /** @return the temperature param (default 1.0) */
    public DoubleParam temperature() {
        return temperature;
    }

    /** @return the top_p param (default 0.95) */
    public DoubleParam topP() {
        return topP;
    }

    /** @return the max_tokens param (default 512) */
    public IntParam maxTokens() {
        return maxTokens;
    }

    /** @return the choices param (default 1) */
    public IntParam n() {
        return n;
    }

    /** @return the stop sequences param (default none) */
    public StringArrayParam stop() {
        return stop;
    }

    /** @return the drop-normal-mentions param (default true) */
    public BooleanParam dropNormalMentions() {
        return dropNormalMentions;
    }

    /** @return the normal class names param (default none) */
    public StringArrayParam normalClasses() {
        return normalClasses;
    }

    /** @return the prompt-token price param (default 0) */
    public DoubleParam pricePer1kInput() {
        return pricePer1kInput;
    }

    /** @return the completion-token price param (default 0) */
    public DoubleParam pricePer1kOutput() {
        return pricePer1kOutput;
    }

    /** @return the system message */
    public String getSystemPrompt() {
        return getOrDefault(systemPrompt);
    }

    /** @param v the system message, "" for none; returns this */
    public DescribeAnomalies setSystemPrompt(String v) {
        set(systemPrompt, v);
        return this;
    }

    /** @param v sampling temperature in [0, 2]; returns this */
    public DescribeAnomalies setTemperature(double v) {
        set(temperature, v);
        return this;
    }

    /** @param v top_p in [0, 1]; returns this */
    public DescribeAnomalies setTopP(double v) {
        set(topP, v);
        return this;
    }

    /** @param v completion token limit; returns this */
    public DescribeAnomalies setMaxTokens(int v) {
        set(maxTokens, v);
        return this;
    }

    /** @param v choices per request; returns this */
    public DescribeAnomalies setN(int v) {
        set(n, v);
        return this;
    }

    /** @param v stop sequences; returns this */
    public DescribeAnomalies setStop(String... v) {
        set(stop, v.clone());
        return this;
    }

    /** @param v normal class names whose mention drops a description; returns this */
    public DescribeAnomalies setNormalClasses(String... v) {
        set(normalClasses, v.clone());
        return this;
    }

    /** @param v drop descriptions naming a normal class; returns this */
    public DescribeAnomalies setDropNormalMentions(boolean v) {
        set(dropNormalMentions, v);
        return this;
    }
}
