package io.kka.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.kka.config.ConfigException;
import io.kka.config.HttpConfig;
import io.kka.config.RunConfig;
import io.kka.config.SecretRef;
import io.kka.data.SampleSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * What the HTTP generation stages share, after SynapseML's OpenAI transformers: one request per row of a text
 * column, the reply in {@link #outputCol()}, a failed row's reason in {@link #errorCol()} (the {@code error} struct
 * of the samples table: stage, status, message, attempts; the output is then null) and what it cost in
 * {@link #usageCol()} (the {@code usage} struct: requests, retries, tokens, images, cached, cost). A row never fails
 * the job: {@code transform} returns every input row with its columns.
 *
 * <p>Every knob of the partition caller is a param named as its config key ({@code timeoutS} is
 * {@code http.timeout_s}): concurrency and rate limits per executor, timeouts, retries and backoff, the partition
 * deadline, the response cache ({@link #cacheDir()}), the insecure-http opt-in, the response cap and the circuit
 * breaker. The API key is a param only as a reference, {@code env:NAME} or {@code file:PATH}, resolved on the
 * executors; a literal key is refused by its setter and never reaches the saved metadata.
 *
 * <p>The rows go to the job's generator as its input frame (distinct requests only: rows of equal text and seed
 * share one call, and each shows its usage) and the results are joined back on a content key. The input rows are
 * persisted (memory and disk) for the two reads, so each is computed once, and a chained stage's endpoint is
 * called once per row; Spark drops them when the output frame is no longer referenced. As with the job's
 * generators, converting the requests to an RDD runs any shuffle upstream of them when {@code transform} is
 * called (under adaptive query execution); the calls themselves run with the first action. With
 * {@link #cacheDir()} set, a rerun makes no repeated calls.
 *
 * @param <T> the stage's own type
 */
public abstract class HttpStage<T extends HttpStage<T>> extends Transformer implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final Param<String> usageCol;
    private final Param<String> seedCol;
    private final LongParam seed;
    private final Param<String> url;
    private final Param<String> model;
    private final Param<String> apiKey;
    private final IntParam concurrency;
    private final IntParam requestsPerMinute;
    private final IntParam tokensPerMinute;
    private final DoubleParam timeoutS;
    private final DoubleParam connectTimeoutS;
    private final IntParam maxRetries;
    private final LongParam backoffInitialMs;
    private final LongParam backoffMaxMs;
    private final DoubleParam retryAfterMaxS;
    private final DoubleParam deadlineS;
    private final Param<String> cacheDir;
    private final BooleanParam allowInsecureHttp;
    private final LongParam maxResponseBytes;
    private final IntParam circuitBreakerFailures;

    /**
     * @param uid    the uid
     * @param stage  the stage's name, prefix of the default error and usage columns ("describe")
     * @param input  the default input column
     * @param output the default output column
     */
    protected HttpStage(String uid, String stage, String input, String output) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "text column (string), one request per row; null rows get an"
                + " error without a request");
        outputCol = new Param<>(this, "outputCol", "column of the reply (null where the row failed)");
        errorCol = new Param<>(this, "errorCol", "column of the error struct (stage, status, message, attempts),"
                + " null where the row succeeded");
        usageCol = new Param<>(this, "usageCol", "column of the usage struct (requests, retries, prompt_tokens,"
                + " completion_tokens, images, cached, cost)");
        seedCol = new Param<>(this, "seedCol", "optional integer column of request seeds; \"\" derives each"
                + " row's seed from seed and its text");
        seed = new LongParam(this, "seed", "seed of the rows' request seeds when seedCol is \"\"");
        url = new Param<>(this, "url", "endpoint base URL, e.g. https://api.openai.com/v1 (required)",
                Validators.of(u -> u.matches("(?i)https?://\\S+")));
        model = new Param<>(this, "model", "model name sent with each request (required)",
                Validators.of(m -> !m.isBlank()));
        // no validator: Spark's message for an invalid value echoes it, and this one could be a pasted secret
        apiKey = new Param<>(this, "apiKey", "API key as a secret reference env:NAME or file:PATH (resolved on the"
                + " executors; never the key itself); \"\" sends none");
        concurrency = new IntParam(this, "concurrency", "requests in flight per executor (shared by its tasks)",
                ParamValidators.gtEq(1));
        requestsPerMinute = new IntParam(this, "requestsPerMinute", "requests per minute per executor; 0 is"
                + " unlimited", ParamValidators.gtEq(0));
        tokensPerMinute = new IntParam(this, "tokensPerMinute", "tokens per minute per executor; 0 is unlimited",
                ParamValidators.gtEq(0));
        timeoutS = new DoubleParam(this, "timeoutS", "per-request timeout until the whole response is read,"
                + " seconds", ParamValidators.gt(0));
        connectTimeoutS = new DoubleParam(this, "connectTimeoutS", "TCP connect timeout, seconds",
                ParamValidators.gt(0));
        maxRetries = new IntParam(this, "maxRetries", "retries after the first attempt (429, 5xx, timeouts,"
                + " resets, malformed replies)", ParamValidators.gtEq(0));
        backoffInitialMs = new LongParam(this, "backoffInitialMs", "first retry backoff, ms; doubles per retry"
                + " with jitter", ParamValidators.gtEq(1));
        backoffMaxMs = new LongParam(this, "backoffMaxMs", "cap of one backoff, ms", ParamValidators.gtEq(1));
        retryAfterMaxS = new DoubleParam(this, "retryAfterMaxS", "longest Retry-After honoured, seconds; a longer"
                + " one fails the row at once", ParamValidators.gtEq(0));
        deadlineS = new DoubleParam(this, "deadlineS", "per-partition deadline, seconds from when the partition"
                + " starts on its executor; rows left after it get an error (0: none)", ParamValidators.gtEq(0));
        cacheDir = new Param<>(this, "cacheDir", "response cache directory (any Hadoop FS URI): a reply is stored"
                + " by a hash of the request and reused; \"\" caches nothing");
        allowInsecureHttp = new BooleanParam(this, "allowInsecureHttp", "allow sending the API key over plain"
                + " http:// to a host that is not loopback");
        maxResponseBytes = new LongParam(this, "maxResponseBytes", "largest response body read, bytes; a longer"
                + " one fails the row", ParamValidators.gtEq(1024));
        circuitBreakerFailures = new IntParam(this, "circuitBreakerFailures", "after this many consecutive failed"
                + " rows in a partition the rest fail without a request (0: never)", ParamValidators.gtEq(0));

        HttpConfig h = HttpConfig.defaults();
        setDefault(inputCol, input);
        setDefault(outputCol, output);
        setDefault(errorCol, stage + "_error");
        setDefault(usageCol, stage + "_usage");
        setDefault(seedCol, "");
        setDefault(seed, RunConfig.defaults().seed());
        setDefault(apiKey, "");
        setDefault(concurrency, h.concurrency());
        setDefault(requestsPerMinute, h.requestsPerMinute());
        setDefault(tokensPerMinute, h.tokensPerMinute());
        setDefault(timeoutS, h.timeoutS());
        setDefault(connectTimeoutS, h.connectTimeoutS());
        setDefault(maxRetries, h.maxRetries());
        setDefault(backoffInitialMs, h.backoffInitialMs());
        setDefault(backoffMaxMs, h.backoffMaxMs());
        setDefault(retryAfterMaxS, h.retryAfterMaxS());
        setDefault(deadlineS, h.deadlineS());
        setDefault(cacheDir, "");
        setDefault(allowInsecureHttp, h.allowInsecureHttp());
        setDefault(maxResponseBytes, h.maxResponseBytes());
        setDefault(circuitBreakerFailures, h.circuitBreakerFailures());
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return this, as the subclass */
    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    /** @return the stage's name in error structs and job descriptions ("describe", "render") */
    protected abstract String stage();

    /** @return the type of {@link #outputCol()} */
    protected abstract DataType outputType();

    /**
     * Calls the endpoint for the distinct requests.
     *
     * @param requests rows of {@value #KEY} (content key), {@value #TEXT} (non-null) and {@value #SEED}
     * @return one row per key: {@value #KEY}, {@value #OUT} (the reply, null on error), {@value #USAGE} and
     *         {@value #ERROR}
     */
    protected abstract Dataset<Row> call(Dataset<Row> requests);

    /** the request frame's key column */
    protected static final String KEY = "key";
    /** the request frame's text column */
    protected static final String TEXT = "text";
    /** the request frame's seed column */
    protected static final String SEED = "seed";
    /** the result frame's reply column */
    protected static final String OUT = "out";
    /** the result frame's usage column */
    protected static final String USAGE = "usage";
    /** the result frame's error column */
    protected static final String ERROR = "error";

    /**
     * @param dataset rows with {@link #inputCol()} (and {@link #seedCol()} when set)
     * @return every input row and column, then the output, error and usage columns
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> in = dataset.toDF();
        String[] original = in.columns();
        String tag = "__" + uid + "_";
        Column text = col(getInputCol());
        Column rowSeed = getSeedCol().isEmpty() ? xxhash64(lit(getSeed()), text)
                : col(getSeedCol()).cast(DataTypes.LongType);
        Dataset<Row> withKey = in.withColumn(tag + SEED, coalesce(rowSeed, lit(getSeed())));
        withKey = withKey.withColumn(tag + KEY, substring(sha2(concat_ws("\u0000", text, col(tag + SEED)
                .cast(DataTypes.StringType)), 256), 1, 32));
        // the requests and the join both read the input: persisted once, so that an input that is itself
        // generated (the previous stage's replies) is computed, and its endpoint called, once per row
        JavaRDD<Row> once = withKey.javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> keyed = in.sparkSession().createDataFrame(once, withKey.schema());
        Dataset<Row> requests = keyed.where(text.isNotNull()).select(col(tag + KEY).as(KEY), text.as(TEXT),
                col(tag + SEED).as(SEED)).dropDuplicates(KEY);
        Dataset<Row> results = call(requests);
        Dataset<Row> r = results.select(col(KEY).as(tag + "r" + KEY), col(OUT).as(tag + OUT),
                col(USAGE).as(tag + USAGE), col(ERROR).as(tag + ERROR));
        Dataset<Row> joined = keyed.join(r, keyed.col(tag + KEY).equalTo(r.col(tag + "r" + KEY)), "left");
        List<Column> cols = new ArrayList<>();
        for (String c : original) {
            cols.add(col(c));
        }
        Column nullInput = struct(lit(stage()).as("stage"), lit(null).cast(DataTypes.IntegerType).as("status"),
                lit(getInputCol() + " is null").as("message"), lit(0).as("attempts"));
        Column noUsage = struct(lit(0).as("requests"), lit(0).as("retries"), lit(0L).as("prompt_tokens"),
                lit(0L).as("completion_tokens"), lit(0).as("images"), lit(false).as("cached"), lit(0.0).as("cost"));
        cols.add(when(col(tag + ERROR).isNull(), col(tag + OUT)).as(getOutputCol()));
        cols.add(when(text.isNull(), nullInput).otherwise(col(tag + ERROR)).as(getErrorCol()));
        cols.add(when(text.isNull(), noUsage).otherwise(col(tag + USAGE)).as(getUsageCol()));
        return joined.select(cols.toArray(new Column[0]));
    }

    /**
     * Checks the text column (string), the seed column (an integer type, when set), that the output, error and
     * usage columns are new and distinct, and that url and model are set.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        requireSet(url, "the endpoint's base URL");
        requireSet(model, "the model name");
        Schemas.requireType(schema, getInputCol(), DataTypes.StringType, "request text");
        if (!getSeedCol().isEmpty()) {
            Schemas.requireIntegral(schema, getSeedCol(), "request seeds");
        }
        List<String> outs = List.of(getOutputCol(), getErrorCol(), getUsageCol());
        if (outs.stream().distinct().count() < outs.size()) {
            throw new IllegalArgumentException(uid + ": outputCol, errorCol and usageCol must differ, found "
                    + outs);
        }
        outs.forEach(c -> Schemas.requireAbsent(schema, c));
        return schema.add(getOutputCol(), outputType(), true).add(getErrorCol(), SampleSchema.ERROR, true)
                .add(getUsageCol(), SampleSchema.USAGE, true);
    }

    private void requireSet(Param<String> p, String what) {
        if (!isDefined(p)) {
            throw new IllegalArgumentException(uid + ": param " + p.name() + " (" + what + ") must be set");
        }
    }

    /** @return the partition-caller settings the params make (the error budget is the caller's business) */
    protected HttpConfig httpConfig() {
        return new HttpConfig((Integer) getOrDefault(concurrency), (Integer) getOrDefault(requestsPerMinute),
                (Integer) getOrDefault(tokensPerMinute), (Double) getOrDefault(timeoutS),
                (Double) getOrDefault(connectTimeoutS), (Integer) getOrDefault(maxRetries),
                (Long) getOrDefault(backoffInitialMs), (Long) getOrDefault(backoffMaxMs),
                (Double) getOrDefault(retryAfterMaxS), (Double) getOrDefault(deadlineS), !getCacheDir().isEmpty(),
                (Boolean) getOrDefault(allowInsecureHttp), (Long) getOrDefault(maxResponseBytes), 1.0,
                (Integer) getOrDefault(circuitBreakerFailures));
    }

    /** @return the API key reference, or null for none */
    protected SecretRef secretRef() {
        return secretRef(getApiKey());
    }

    /**
     * @param ref a value for {@link #apiKey()}
     * @return it as a reference, or null for "" (none)
     * @throws ConfigException naming the param for anything else, without repeating the value
     */
    private SecretRef secretRef(String ref) {
        try {
            return SecretRef.ofNullable(ref);
        } catch (ConfigException e) {
            throw new ConfigException(uid + " " + apiKey.name(), e.rule(), e.found());
        }
    }

    /** @return the cache root, or null for none */
    protected String cacheRoot() {
        return getCacheDir().isEmpty() ? null : getCacheDir();
    }

    /** @return a writer of the params (the API key only as its reference) */
    @Override
    public MLWriter write() {
        secretRef();  // a literal key that bypassed the setter is refused here, before anything is written
        return StageIO.writer(this, null);
    }

    @Override
    public T copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    // ---- params

    /** @return the text column param */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the reply column param */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the error column param (default {@code <stage>_error}) */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** @return the usage column param (default {@code <stage>_usage}) */
    public Param<String> usageCol() {
        return usageCol;
    }

    /** @return the seed column param (default "": derived) */
    public Param<String> seedCol() {
        return seedCol;
    }

    /** @return the seed param (default 12345) */
    public LongParam seed() {
        return seed;
    }

    /** @return the base URL param (required) */
    public Param<String> url() {
        return url;
    }

    /** @return the model param (required) */
    public Param<String> model() {
        return model;
    }

    /** @return the API key reference param (default "": none) */
    public Param<String> apiKey() {
        return apiKey;
    }

    /** @return the per-executor concurrency param (default 8) */
    public IntParam concurrency() {
        return concurrency;
    }

    /** @return the requests-per-minute param (default 0: unlimited) */
    public IntParam requestsPerMinute() {
        return requestsPerMinute;
    }

    /** @return the tokens-per-minute param (default 0: unlimited) */
    public IntParam tokensPerMinute() {
        return tokensPerMinute;
    }

    /** @return the request timeout param, seconds (default 120) */
    public DoubleParam timeoutS() {
        return timeoutS;
    }

    /** @return the connect timeout param, seconds (default 10) */
    public DoubleParam connectTimeoutS() {
        return connectTimeoutS;
    }

    /** @return the retries param (default 6) */
    public IntParam maxRetries() {
        return maxRetries;
    }

    /** @return the first-backoff param, ms (default 500) */
    public LongParam backoffInitialMs() {
        return backoffInitialMs;
    }

    /** @return the backoff cap param, ms (default 60000) */
    public LongParam backoffMaxMs() {
        return backoffMaxMs;
    }

    /** @return the longest honoured Retry-After param, seconds (default 300) */
    public DoubleParam retryAfterMaxS() {
        return retryAfterMaxS;
    }

    /** @return the partition deadline param, seconds (default 0: none) */
    public DoubleParam deadlineS() {
        return deadlineS;
    }

    /** @return the response cache directory param (default "": none) */
    public Param<String> cacheDir() {
        return cacheDir;
    }

    /** @return the insecure-http opt-in param (default false) */
    public BooleanParam allowInsecureHttp() {
        return allowInsecureHttp;
    }

    /** @return the response cap param, bytes (default 64 MiB) */
    public LongParam maxResponseBytes() {
        return maxResponseBytes;
    }

    /** @return the circuit-breaker param (default 10) */
    public IntParam circuitBreakerFailures() {
        return circuitBreakerFailures;
    }

    // ---- getters and setters (the less used knobs are set with set(param, value), as on any Spark stage)

    /** @return the text column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @param v the text column; returns this */
    public T setInputCol(String v) {
        set(inputCol, v);
        return self();
    }

    /** @return the reply column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @param v the reply column; returns this */
    public T setOutputCol(String v) {
        set(outputCol, v);
        return self();
    }

    /** @return the error column */
    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    /** @param v the error column; returns this */
    public T setErrorCol(String v) {
        set(errorCol, v);
        return self();
    }

    /** @return the usage column */
    public String getUsageCol() {
        return getOrDefault(usageCol);
    }

    /** @param v the usage column; returns this */
    public T setUsageCol(String v) {
        set(usageCol, v);
        return self();
    }

    /** @return the seed column ("" for derived seeds) */
    public String getSeedCol() {
        return getOrDefault(seedCol);
    }

    /** @param v an integer column of request seeds, or ""; returns this */
    public T setSeedCol(String v) {
        set(seedCol, v);
        return self();
    }

    /** @return the seed */
    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** @param v the seed of derived request seeds; returns this */
    public T setSeed(long v) {
        set(seed, v);
        return self();
    }

    /** @return the base URL */
    public String getUrl() {
        return getOrDefault(url);
    }

    /** @param v the endpoint base URL; returns this */
    public T setUrl(String v) {
        set(url, v);
        return self();
    }

    /** @return the model */
    public String getModel() {
        return getOrDefault(model);
    }

    /** @param v the model name; returns this */
    public T setModel(String v) {
        set(model, v);
        return self();
    }

    /** @return the API key reference ("" for none) */
    public String getApiKey() {
        return getOrDefault(apiKey);
    }

    /**
     * @param ref a secret reference, {@code env:NAME} or {@code file:PATH}, or "" for none; returns this
     * @throws io.kka.config.ConfigException for anything else (the message does not repeat the value)
     */
    public T setApiKey(String ref) {
        secretRef(ref);
        set(apiKey, ref == null ? "" : ref.trim());
        return self();
    }

    /** @return the cache directory ("" for none) */
    public String getCacheDir() {
        return getOrDefault(cacheDir);
    }

    /** @param v a response cache directory, or ""; returns this */
    public T setCacheDir(String v) {
        set(cacheDir, v);
        return self();
    }

    /** @param v requests in flight per executor; returns this */
    public T setConcurrency(int v) {
        set(concurrency, v);
        return self();
    }

    /** @param v requests per minute per executor, 0 unlimited; returns this */
    public T setRequestsPerMinute(int v) {
        set(requestsPerMinute, v);
        return self();
    }

    /** @param v seconds until the whole response is read; returns this */
    public T setTimeoutS(double v) {
        set(timeoutS, v);
        return self();
    }

    /** @param v retries after the first attempt; returns this */
    public T setMaxRetries(int v) {
        set(maxRetries, v);
        return self();
    }

    /** @param v first backoff, ms; returns this */
    public T setBackoffInitialMs(long v) {
        set(backoffInitialMs, v);
        return self();
    }

    /** @param v backoff cap, ms; returns this */
    public T setBackoffMaxMs(long v) {
        set(backoffMaxMs, v);
        return self();
    }
}
