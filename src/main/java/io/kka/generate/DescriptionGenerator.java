package io.kka.generate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Eq. 3: writes anomaly descriptions for prompts, on executors. Implementations: the OpenAI-compatible chat
 * endpoint (through the partition caller) and the embedded stand-in language model.
 */
public interface DescriptionGenerator {
    /**
     * @param prompts rows of {@link GenerationSchemas#PROMPTS}
     * @return rows of {@link GenerationSchemas#DESCRIPTIONS}: parsed, trimmed, de-duplicated descriptions (error
     *     rows for failed prompts); lazily computed, nothing collected to the driver
     */
    Dataset<Row> describe(Dataset<Row> prompts);

    /** @return the model name recorded in provenance */
    String modelName();

    /**
     * Counters of the last {@link #describe} once its rows were computed, e.g. {@code dropped_normal_mentions}
     * (descriptions dropped because they name a normal class). Empty if the implementation keeps none.
     *
     * @return counter name → value
     */
    default java.util.Map<String, Long> counters() {
        return java.util.Map.of();
    }

    /**
     * @return the stage's error budget ({@code llm.http.max_error_fraction}) where error rows mean an endpoint failed;
     *         empty for the embedded stand-ins, whose error rows are expected content misses
     */
    default java.util.OptionalDouble errorBudget() {
        return java.util.OptionalDouble.empty();
    }
}
