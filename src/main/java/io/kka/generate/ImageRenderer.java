package io.kka.generate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Eq. 4: renders descriptions as images, on executors. Implementations: OpenAI images API, AUTOMATIC1111 (both
 * through the partition caller) and the embedded weight-free stand-in.
 */
public interface ImageRenderer {
    /**
     * @param descriptions rows of {@link GenerationSchemas#DESCRIPTIONS} (error rows pass through as error rows)
     * @return rows of {@link io.kka.data.SampleSchema}: role generated, split train, label 1, caption = the
     *     description, image converted to data.image_size × data.channels; a description that could not be
     *     rendered gives a row with a null image and an error struct (never a silent substitute)
     */
    Dataset<Row> render(Dataset<Row> descriptions);

    /** @return the model name recorded in provenance */
    String modelName();

    /**
     * @return the stage's error budget ({@code images.http.max_error_fraction}) where error rows mean an endpoint failed;
     *         empty for the embedded stand-ins, whose error rows are expected content misses
     */
    default java.util.OptionalDouble errorBudget() {
        return java.util.OptionalDouble.empty();
    }
}
