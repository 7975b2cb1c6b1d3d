package io.kka.generate.http;

import io.kka.config.DataConfig;
import io.kka.config.ImageGenConfig;
import io.kka.data.SampleSchema;
import io.kka.generate.ImageRenderer;
import io.kka.store.HadoopConf;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 4 of KKA through a text-to-image endpoint (OpenAI images API or AUTOMATIC1111): one request per
 * description row, on the executors, through the {@link PartitionCaller}; images are converted to the
 * evaluator's input shape (data.image_size × data.channels). Usage:
 *
 * <pre>{@code
 * HttpImageRenderer r = HttpImageRenderer.of(spark, cfg.images(), cfg.data(), layout.cache());
 * Dataset<Row> generated = r.render(descriptions);
 * try (ProgressReporter p = ProgressReporter.start(spark.sparkContext(), r.meter(), descriptionCount, 5000)) {
 *     Fs.writeParquet(generated, layout.iteration(t, "generated"), false);
 * }
 * }</pre>
 */
public final class HttpImageRenderer implements ImageRenderer {
    private final SparkSession spark;
    private final ImageGenConfig cfg;
    private final DataConfig data;
    private final String cacheRoot;
    private final StageMeter meter;

    private HttpImageRenderer(SparkSession spark, ImageGenConfig cfg, DataConfig data, String cacheRoot) {
        if (cfg.provider() == ImageGenConfig.ImageProvider.EMBEDDED) {
            throw new IllegalArgumentException("images.provider embedded is not an HTTP provider");
        }
        this.spark = spark;
        this.cfg = cfg;
        this.data = data;
        this.cacheRoot = cacheRoot;
        this.meter = StageMeter.register(spark.sparkContext(), EndpointKind.OPENAI_IMAGES.stage());
    }

    /**
     * @param spark     the session (accumulators are registered on it)
     * @param cfg       image settings (provider openai or automatic1111)
     * @param data      data settings: the stored image size and channels
     * @param cacheRoot the run's cache directory ({@code RunLayout.cache()}); replies go to a sub-directory named
     *                  after the protocol when {@code images.http.cache} is on
     * @return the stage
     */
    public static HttpImageRenderer of(SparkSession spark, ImageGenConfig cfg, DataConfig data, String cacheRoot) {
        return new HttpImageRenderer(spark, cfg, data, cacheRoot);
    }

    /** @return the endpoint this stage calls */
    public Endpoint endpoint() {
        EndpointKind kind = cfg.provider() == ImageGenConfig.ImageProvider.OPENAI ? EndpointKind.OPENAI_IMAGES
                : EndpointKind.AUTOMATIC1111;
        return new Endpoint(kind, cfg.baseUrl(), cfg.model(), cfg.apiKey(),
                cfg.provider().name().toLowerCase(Locale.ROOT), cfg.http());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The deadline ({@code images.http.deadline_s}) is a duration that each partition counts on its executor
     * from when it starts.
     */
    @Override
    public Dataset<Row> render(Dataset<Row> descriptions) {
        SampleSchema.require(descriptions, "description_id", "prompt_id", "iteration", "description", "llm_model",
                "seed", "usage", "error");
        Endpoint endpoint = endpoint();
        ResponseCache cache = cfg.http().cache() && cacheRoot != null
                ? ResponseCache.at(cacheRoot + "/" + endpoint.kind().label(), HadoopConf.of(spark)) : null;
        ImageProtocol protocol = ImageProtocol.of(endpoint.kind(), cfg, data.maxImagePixels());
        GeneratedImage images = new GeneratedImage(data.imageSize(), data.channels(), data.maxImagePixels());
        RenderCall call = new RenderCall(endpoint, protocol, images, cfg.imagesPerDescription(), cfg.pricePerImage());
        spark.sparkContext().setJobDescription("KKA · render: images from " + endpoint.label() + " at "
                + endpoint.baseUrl());
        JavaRDD<Row> rows = descriptions.javaRDD()
                .mapPartitions(new CallPartition(endpoint, call, protocol, cache, endpoint.http().deadlineS(),
                        meter));
        return spark.createDataFrame(rows, SampleSchema.SCHEMA);
    }

    @Override
    public String modelName() {
        return cfg.model();
    }

    @Override
    public java.util.OptionalDouble errorBudget() {
        return java.util.OptionalDouble.of(cfg.http().maxErrorFraction());
    }

    /** @return this stage's usage counters */
    public StageMeter meter() {
        return meter;
    }
}
