package io.kka.generate.http;

import io.kka.config.LlmConfig;
import io.kka.data.SampleSchema;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.GenerationSchemas;
import io.kka.store.HadoopConf;
import java.util.Collection;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 3 of KKA through an OpenAI-compatible chat endpoint: one chat completion per prompt row, on the executors,
 * through the {@link PartitionCaller}. Usage:
 *
 * <pre>{@code
 * HttpDescriptionGenerator gen = HttpDescriptionGenerator.of(spark, cfg.llm(), normalClassNames, layout.cache());
 * Dataset<Row> descriptions = gen.describe(prompts);
 * try (ProgressReporter p = ProgressReporter.start(spark.sparkContext(), gen.meter(), promptCount, 5000)) {
 *     Fs.writeParquet(descriptions, layout.iteration(t, "descriptions"), false);
 * }
 * }</pre>
 */
public final class HttpDescriptionGenerator implements DescriptionGenerator {
    private final SparkSession spark;
    private final LlmConfig llm;
    private final List<String> normalClasses;
    private final String cacheDir;
    private final StageMeter meter;

    private HttpDescriptionGenerator(SparkSession spark, LlmConfig llm, List<String> normalClasses, String cacheDir) {
        this.spark = spark;
        this.llm = llm;
        this.normalClasses = normalClasses;
        this.cacheDir = cacheDir;
        this.meter = StageMeter.register(spark.sparkContext(), EndpointKind.CHAT.stage());
    }

    /**
     * @param spark         the session (accumulators are registered on it)
     * @param llm           language-model settings (provider openai)
     * @param normalClasses the task's normal class names, for dropping descriptions that name them
     * @param cacheRoot     the run's cache directory ({@code RunLayout.cache()}); replies go to its {@code chat/}
     *                      sub-directory when {@code llm.http.cache} is on
     * @return the stage
     */
    public static HttpDescriptionGenerator of(SparkSession spark, LlmConfig llm, Collection<String> normalClasses,
            String cacheRoot) {
        return new HttpDescriptionGenerator(spark, llm, List.copyOf(normalClasses), cacheRoot);
    }

    /** @return the endpoint this stage calls */
    public Endpoint endpoint() {
        return new Endpoint(EndpointKind.CHAT, llm.baseUrl(), llm.model(), llm.apiKey(), "openai", llm.http());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The deadline ({@code llm.http.deadline_s}) is a duration that each partition counts on its executor from
     * when it starts.
     */
    @Override
    public Dataset<Row> describe(Dataset<Row> prompts) {
        SampleSchema.require(prompts, "prompt_id", "iteration", "system", "prompt", "seed");
        Endpoint endpoint = endpoint();
        ResponseCache cache = llm.http().cache() && cacheDir != null
                ? ResponseCache.at(cacheDir + "/" + EndpointKind.CHAT.label(), HadoopConf.of(spark)) : null;
        ChatProtocol protocol = new ChatProtocol(llm);
        DescribeCall call = new DescribeCall(endpoint, protocol, normalClasses, llm.dropNormalMentions());
        spark.sparkContext().setJobDescription("KKA · describe: chat completions from " + endpoint.label() + " at "
                + endpoint.baseUrl());
        JavaRDD<Row> rows = prompts.javaRDD()
                .mapPartitions(new CallPartition(endpoint, call, protocol, cache, endpoint.http().deadlineS(),
                        meter));
        return spark.createDataFrame(rows, GenerationSchemas.DESCRIPTIONS);
    }

    @Override
    public String modelName() {
        return llm.model();
    }

    @Override
    public java.util.OptionalDouble errorBudget() {
        return java.util.OptionalDouble.of(llm.http().maxErrorFraction());
    }

    /** @return this stage's usage counters */
    public StageMeter meter() {
        return meter;
    }
}
