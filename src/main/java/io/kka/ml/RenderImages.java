package io.kka.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kka.config.DataConfig;
import io.kka.config.ImageGenConfig;
import io.kka.data.SampleSchema;
import io.kka.generate.http.HttpImageRenderer;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Eq. 4 of KKA as a Spark ML transformer: one text-to-image request per description row (OpenAI images API or
 * AUTOMATIC1111), the image converted to {@link #imageSize()} × {@link #channels()} PNG, the shape a detector
 * reads. Delegates to {@link HttpImageRenderer}. One image per row: for several, give several rows with their
 * own seeds ({@link #seedCol()}). Usage:
 *
 * <pre>{@code
 * RenderImages render = new RenderImages().setProvider("automatic1111").setUrl("http://127.0.0.1:7860")
 *         .setModel("sd-1.5").setImageSize(32).setChannels(3);
 * Dataset<Row> out = render.transform(descriptions);   // + image, render_error, render_usage
 * }</pre>
 */
public final class RenderImages extends HttpStage<RenderImages> {
    private static final long serialVersionUID = 1L;
    private final Param<String> provider;
    private final Param<String> size;
    private final IntParam steps;
    private final DoubleParam cfgScale;
    private final Param<String> negativePrompt;
    private final Param<String> sampler;
    private final Param<String> responseFormat;
    private final IntParam imageSize;
    private final IntParam channels;
    private final LongParam maxImagePixels;
    private final DoubleParam pricePerImage;

    /** A stage with a random uid; set url and model before use. */
    public RenderImages() {
        this(Identifiable$.MODULE$.randomUID("renderImages"));
    }

    /** @param uid the uid (used by {@code copy} and the reader) */
    public RenderImages(String uid) {
        super(uid, "render", "description", "image");
        provider = new Param<>(this, "provider", "openai (/v1/images/generations) or automatic1111"
                + " (/sdapi/v1/txt2img)", Validators.oneOf(List.of("openai", "automatic1111")));
        size = new Param<>(this, "size", "requested image size WIDTHxHEIGHT", Validators.of(
                s -> s.matches("\\d{2,5}x\\d{2,5}")));
        steps = new IntParam(this, "steps", "sampling steps (automatic1111)", ParamValidators.gtEq(1));
        cfgScale = new DoubleParam(this, "cfgScale", "guidance scale (automatic1111)", ParamValidators.gt(0));
        negativePrompt = new Param<>(this, "negativePrompt", "negative prompt (automatic1111)");
        sampler = new Param<>(this, "sampler", "sampler_name (automatic1111); \"\" uses the server's default");
        responseFormat = new Param<>(this, "responseFormat", "response_format (openai): b64_json, or \"\" to omit"
                + " it (gpt-image models)", Validators.oneOf(List.of("b64_json", "")));
        imageSize = new IntParam(this, "imageSize", "side of the stored square image, pixels",
                ParamValidators.inRange(8, 1024));
        channels = new IntParam(this, "channels", "stored channels: 1 grayscale or 3 RGB",
                ParamValidators.inArray(List.of(1, 3)));
        maxImagePixels = new LongParam(this, "maxImagePixels", "the most pixels a returned image may declare"
                + " (checked before decoding)", ParamValidators.gtEq(64));
        pricePerImage = new DoubleParam(this, "pricePerImage", "estimated cost per image (usage cost)",
                ParamValidators.gtEq(0));
        ImageGenConfig d = ImageGenConfig.defaults();
        DataConfig data = DataConfig.defaults();
        setDefault(provider, "openai");
        setDefault(size, d.size());
        setDefault(steps, d.steps());
        setDefault(cfgScale, d.cfgScale());
        setDefault(negativePrompt, d.negativePrompt());
        setDefault(sampler, d.sampler());
        setDefault(responseFormat, d.responseFormat());
        setDefault(imageSize, data.imageSize());
        setDefault(channels, data.channels());
        setDefault(maxImagePixels, data.maxImagePixels());
        setDefault(pricePerImage, d.pricePerImage());
    }

    @Override
    protected String stage() {
        return "render";
    }

    @Override
    protected DataType outputType() {
        return DataTypes.BinaryType;
    }

    /** @return the image settings the params make (one image per description; embedded keeps its defaults) */
    public ImageGenConfig imageGenConfig() {
        ImageGenConfig d = ImageGenConfig.defaults();
        return new ImageGenConfig(AbstractDetectorEstimator.unwire(ImageGenConfig.ImageProvider.class,
                getOrDefault(provider)), getUrl(), getModel(), secretRef(), getOrDefault(size),
                (Integer) getOrDefault(steps), (Double) getOrDefault(cfgScale), getOrDefault(negativePrompt),
                getOrDefault(sampler), getOrDefault(responseFormat), 1, d.embedded(),
                (Double) getOrDefault(pricePerImage), httpConfig());
    }

    /** @return the output shape as the data settings the renderer converts to (the rest keep their defaults) */
    DataConfig dataConfig() {
        DataConfig d = DataConfig.defaults();
        return new DataConfig(d.dataset(), d.path(), d.captionsFile(), getImageSize(), getChannels(), true, true,
                d.captions(), d.classLevel(), d.onBadRecord(), d.partitions(), d.extensions(),
                (Long) getOrDefault(maxImagePixels), d.allowedImageRoots());
    }

    @Override
    protected Dataset<Row> call(Dataset<Row> requests) {
        HttpImageRenderer r = HttpImageRenderer.of(requests.sparkSession(), imageGenConfig(), dataConfig(),
                cacheRoot());
        Dataset<Row> descriptions = requests.select(col(KEY).as("description_id"), col(KEY).as("prompt_id"),
                lit(0).as("iteration"), col(TEXT).as("description"), lit("").as("llm_model"), col(SEED).as("seed"),
                lit(null).cast(SampleSchema.USAGE).as("usage"), lit(null).cast(SampleSchema.ERROR).as("error"));
        // one image per description: the generated rows map 1:1 onto the requests by their prompt_id
        return r.render(descriptions).select(col("prompt_id").as(KEY), col("image").as(OUT), col("usage").as(USAGE),
                col("error").as(ERROR));
    }

    /** @return the reader {@link org.apache.spark.ml.PipelineModel#load} calls */
    public static MLReader<RenderImages> read() {
        return StageIO.reader(RenderImages.class, (uid, path, spark) -> new RenderImages(uid));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the stage
     */
    public static RenderImages load(String path) {
        return read().load(path);
    }

    // ---- params

    /** @return the provider param (default openai) */
    public Param<String> provider() {
        return provider;
    }

    /** @return the requested size param (default 512x512) */
    public Param<String> size() {
        return size;
    }

    /** @return the steps param (default 30) */
    public IntParam steps() {
        return steps;
    }

    /** @return the guidance scale param (default 7) */
    public DoubleParam cfgScale() {
        return cfgScale;
    }

    /** @return the negative prompt param (default "") */
    public Param<String> negativePrompt() {
        return negativePrompt;
    }

    /** @return the sampler param (default "") */
    public Param<String> sampler() {
        return sampler;
    }

    /** @return the response_format param (default b64_json) */
    public Param<String> responseFormat() {
        return responseFormat;
    }

    /** @return the stored side param (default 28) */
    public IntParam imageSize() {
        return imageSize;
    }

    /** @return the stored channels param (default 1) */
    public IntParam channels() {
        return channels;
    }

    /** @return the declared-pixels cap param (default 25 M) */
    public LongParam maxImagePixels() {
        return maxImagePixels;
    }

    /** @return the per-image price param (default 0) */
    public DoubleParam pricePerImage() {
        return pricePerImage;
    }

    /** @param v openai or automatic1111; returns this */
    public RenderImages setProvider(String v) {
        set(provider, v);
        return this;
    }

    /** @param v WIDTHxHEIGHT; returns this */
    public RenderImages setSize(String v) {
        set(size, v);
        return this;
    }

    /** @return the stored side */
    public int getImageSize() {
        return (Integer) getOrDefault(imageSize);
    }

    /** @param v the stored side in [8, 1024]; returns this */
    public RenderImages setImageSize(int v) {
        set(imageSize, v);
        return this;
    }

    /** @return the stored channels */
    public int getChannels() {
        return (Integer) getOrDefault(channels);
    }

    /** @param v 1 or 3; returns this */
    public RenderImages setChannels(int v) {
        set(channels, v);
        return this;
    }
}
