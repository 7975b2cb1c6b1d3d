package io.kka.data;

/**
 * Column names of the canonical samples table. Mirrored in {@code data-schemas/samples.schema.json}; a test
 * keeps the two in sync.
 */
public final class Columns {
    /** stable content hash: SHA-256 of (source, pixels), 32 hex characters */
    public static final String SAMPLE_ID = "sample_id";
    /** {@link Role} */
    public static final String ROLE = "role";
    /** {@link Split} */
    public static final String SPLIT = "split";
    /** 0 normal, 1 anomaly */
    public static final String LABEL = "label";
    /** dataset class name (for generated rows: the matched class of the embedded generator, else null) */
    public static final String CLASS_NAME = "class_name";
    /** the primary caption; for generated rows, the anomaly description */
    public static final String CAPTION = "caption";
    /** all captions of the image */
    public static final String CAPTIONS = "captions";
    /** PNG bytes at the configured size and channels */
    public static final String IMAGE = "image";
    /** image width in pixels */
    public static final String WIDTH = "width";
    /** image height in pixels */
    public static final String HEIGHT = "height";
    /** 1 or 3 */
    public static final String CHANNELS = "channels";
    /** where the row came from: file URI, dataset#index, or provider:model */
    public static final String SOURCE = "source";
    /** KKA iteration that generated the row (null for ingested rows) */
    public static final String ITERATION = "iteration";
    /** id of the prompt that produced a generated row's description */
    public static final String PROMPT_ID = "prompt_id";
    /** language model that wrote the description */
    public static final String LLM_MODEL = "llm_model";
    /** image model that rendered the image */
    public static final String IMAGE_MODEL = "image_model";
    /** seed of the generation request */
    public static final String SEED = "seed";
    /** usage struct: tokens, images, requests, retries, estimated cost */
    public static final String USAGE = "usage";
    /** error struct of a failed generation: stage, status, message, attempts */
    public static final String ERROR = "error";
    /** anomaly score of the evaluator (squared distance to c) */
    public static final String SCORE = "score";
    /** hard | easy for generated rows after Eq. 6 */
    public static final String HARDNESS = "hardness";
    /**
     * the source file of an ingested image when {@code data.image_storage} is {@code uri} ({@code image} is then
     * null and is decoded from this file where used, see {@link SampleImages}); null for inline rows
     */
    public static final String IMAGE_URI = "image_uri";

    private Columns() {
    }
}
