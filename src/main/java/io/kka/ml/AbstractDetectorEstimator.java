package io.kka.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.config.RunConfig;
import io.kka.config.SimpleNetConfig;
import io.kka.data.Columns;
import io.kka.data.SampleImages;
import io.kka.detect.Detector;
import io.kka.detect.Detectors;
import io.kka.detect.SadLabel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What every detector estimator shares: the columns, the encoder and Deep SAD settings of
 * {@link EvaluatorConfig} as typed params (defaults: {@link EvaluatorConfig#defaults()}), and {@code fit} through
 * {@link Detectors#fit}. Subclasses fix or choose the kind ({@link DeepSad}, {@link DetectorEstimator}); the self
 * type {@code E} lets setters chain, as in Spark's own {@code Predictor}.
 *
 * <p>Param names are the config keys in camelCase ({@code learningRate} is {@code evaluator.learning_rate}), except
 * {@code batchSize} ({@code batch_size_per_worker}) and the {@code pretrain*} group ({@code evaluator.pretrain.*}).
 *
 * @param <E> the estimator's own type
 * @param <M> the model it fits
 */
public abstract class AbstractDetectorEstimator<E extends AbstractDetectorEstimator<E, M>,
        M extends AbstractDetectorModel<M>> extends Estimator<M> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> labelCol;
    private final Param<String> idCol;
    private final Param<String> network;
    private final IntParam repDim;
    private final DoubleParam eta;
    private final DoubleParam epsilon;
    private final DoubleParam centerEps;
    private final IntParam epochs;
    private final DoubleParam learningRate;
    private final DoubleParam weightDecay;
    private final IntArrayParam milestones;
    private final IntParam batchSize;
    private final IntParam workers;
    private final IntParam averagingFrequency;
    private final IntParam threadsPerWorker;
    private final BooleanParam pretrain;
    private final IntParam pretrainEpochs;
    private final DoubleParam pretrainLearningRate;
    private final DoubleParam pretrainWeightDecay;
    private final LongParam seed;

    /**
     * Declares the params (after the uid, which each param records as its parent) and their defaults.
     *
     * @param uid the stage's uid
     */
    protected AbstractDetectorEstimator(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of PNG images (binary), all of one square shape");
        outputCol = new Param<>(this, "outputCol", "anomaly score column the model appends (double, higher is"
                + " more anomalous)");
        labelCol = new Param<>(this, "labelCol", "Deep SAD's semi-supervised label y (integer): -1 labelled"
                + " anomaly, 0 unlabelled normal, +1 labelled normal. Without the column (or with \"\") every row is"
                + " an unlabelled normal; a column named with setLabelCol must exist");
        idCol = new Param<>(this, "idCol", "optional row id (cast to string) that names bad rows in errors");
        network = new Param<>(this, "network", "encoder: auto (from the image shape), lenet28 (28x28x1) or lenet32"
                + " (32x32x3)", Validators.oneOf(wires(EvaluatorConfig.NetworkKind.values())));
        repDim = new IntParam(this, "repDim", "size of the representation; 0 uses the network's default",
                ParamValidators.gtEq(0));
        eta = new DoubleParam(this, "eta", "weight of labelled samples in the Deep SAD loss", ParamValidators.gt(0));
        epsilon = new DoubleParam(this, "epsilon", "ε in the anomaly term η·(‖φ(x)−c‖² + ε)⁻¹",
                ParamValidators.gt(0));
        centerEps = new DoubleParam(this, "centerEps", "components of the centre c below this in magnitude are"
                + " pushed to ±centerEps", ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "training epochs", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adam learning rate", ParamValidators.gt(0));
        weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay, as PyTorch Adam's weight_decay",
                ParamValidators.gtEq(0));
        milestones = new IntArrayParam(this, "milestones", "epochs (increasing, >= 1) at which the learning rate is"
                + " multiplied by 0.1", Validators.increasing(1));
        batchSize = new IntParam(this, "batchSize", "minibatch size on each Spark worker", ParamValidators.gtEq(1));
        workers = new IntParam(this, "workers", "Spark partitions used for training; 0 uses the default"
                + " parallelism", ParamValidators.gtEq(0));
        averagingFrequency = new IntParam(this, "averagingFrequency", "minibatches per worker between"
                + " parameter-averaging rounds", ParamValidators.gtEq(1));
        threadsPerWorker = new IntParam(this, "threadsPerWorker", "native threads per training or scoring task: 0"
                + " uses spark.task.cpus, -1 keeps ND4J's default", ParamValidators.gtEq(-1));
        pretrain = new BooleanParam(this, "pretrain", "pretrain the encoder inside an autoencoder first (the"
                + " feature-based kinds always do)");
        pretrainEpochs = new IntParam(this, "pretrainEpochs", "autoencoder pretraining epochs",
                ParamValidators.gtEq(1));
        pretrainLearningRate = new DoubleParam(this, "pretrainLearningRate", "pretraining Adam learning rate",
                ParamValidators.gt(0));
        pretrainWeightDecay = new DoubleParam(this, "pretrainWeightDecay", "pretraining L2 weight decay",
                ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "seed of weight initialisation, shuffling and every other random choice");

        setDefault(inputCol, Columns.IMAGE);
        setDefault(outputCol, Columns.SCORE);
        setDefault(labelCol, SadLabel.COLUMN);
        setDefault(idCol, Columns.SAMPLE_ID);
        setDefault(seed, RunConfig.defaults().seed());
        shared(EvaluatorConfig.defaults(), true);
    }

    static List<String> wires(Enum<?>[] values) {
        List<String> out = new ArrayList<>();
        for (Enum<?> v : values) {
            out.add(ConfigBinder.Names.wire(v));
        }
        return out;
    }

    static <T extends Enum<T>> T unwire(Class<T> type, String wire) {
        for (T v : type.getEnumConstants()) {
            if (ConfigBinder.Names.wire(v).equals(wire)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + wire + "'");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return this, as the subclass */
    @SuppressWarnings("unchecked")
    protected final E self() {
        return (E) this;
    }

    /** @return the kind this estimator fits */
    protected abstract EvaluatorConfig.Kind detectorKind();

    /**
     * @param uid      the model's uid (the estimator's, as Spark's estimators do)
     * @param detector the fitted detector
     * @return the model wrapping it
     */
    protected abstract M newModel(String uid, Detector detector);

    /** @return the mahalanobis settings; defaults here, params in {@link DetectorEstimator} */
    protected EvaluatorConfig.MahalanobisConfig mahalanobisConfig() {
        return EvaluatorConfig.MahalanobisConfig.defaults();
    }

    /** @return the simplenet settings; defaults here, params in {@link DetectorEstimator} */
    protected SimpleNetConfig simpleNetConfig() {
        return SimpleNetConfig.defaults();
    }

    /**
     * Sets every shared param from a config section (its kind and kind-specific sections are the subclass's).
     *
     * @param cfg the evaluator config
     * @return this
     */
    protected E configure(EvaluatorConfig cfg) {
        shared(cfg, false);
        return self();
    }

    /** Sets (or, for the constructor, defaults) the params of the evaluator settings every kind shares. */
    private void shared(EvaluatorConfig cfg, boolean asDefault) {
        put(network, ConfigBinder.Names.wire(cfg.network()), asDefault);
        put(repDim, cfg.repDim(), asDefault);
        put(eta, cfg.eta(), asDefault);
        put(epsilon, cfg.epsilon(), asDefault);
        put(centerEps, cfg.centerEps(), asDefault);
        put(epochs, cfg.epochs(), asDefault);
        put(learningRate, cfg.learningRate(), asDefault);
        put(weightDecay, cfg.weightDecay(), asDefault);
        put(milestones, cfg.milestones().stream().mapToInt(Integer::intValue).toArray(), asDefault);
        put(batchSize, cfg.batchSizePerWorker(), asDefault);
        put(workers, cfg.workers(), asDefault);
        put(averagingFrequency, cfg.averagingFrequency(), asDefault);
        put(threadsPerWorker, cfg.threadsPerWorker(), asDefault);
        put(pretrain, cfg.pretrain().enabled(), asDefault);
        put(pretrainEpochs, cfg.pretrain().epochs(), asDefault);
        put(pretrainLearningRate, cfg.pretrain().learningRate(), asDefault);
        put(pretrainWeightDecay, cfg.pretrain().weightDecay(), asDefault);
    }

    /**
     * @param p         a param
     * @param v         its value
     * @param asDefault set the default rather than the value
     * @param <T>       the value type
     */
    protected final <T> void put(Param<T> p, T v, boolean asDefault) {
        if (asDefault) {
            setDefault(p, v);
        } else {
            set(p, v);
        }
    }

    /**
     * The params as the job's config record (validated by its compact constructor).
     *
     * @return the evaluator config {@code fit} uses
     */
    public EvaluatorConfig evaluatorConfig() {
        List<Integer> ms = Arrays.stream(getMilestones()).boxed().toList();
        return new EvaluatorConfig(detectorKind(), unwire(EvaluatorConfig.NetworkKind.class, getNetwork()),
                getRepDim(), getEta(), getEpsilon(), getCenterEps(), getEpochs(), getLearningRate(), getWeightDecay(),
                ms, getBatchSize(), getWorkers(), getAveragingFrequency(), getThreadsPerWorker(),
                new EvaluatorConfig.PretrainConfig(getPretrain(), getPretrainEpochs(), getPretrainLearningRate(),
                        getPretrainWeightDecay()), simpleNetConfig(), mahalanobisConfig());
    }

    /**
     * Eq. 5: fits the detector on the training rows (labelled anomalies where the label column says −1).
     *
     * @param dataset rows with {@link #inputCol()} and, optionally, {@link #labelCol()} and {@link #idCol()}
     * @return the model, with this estimator as parent and its column params
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Detector d = Detectors.fit(evaluatorConfig(), trainingFrame(dataset), getSeed());
        return copyValues(newModel(uid(), d), ParamMap.empty()).setParent(this);
    }

    /**
     * @param dataset the input
     * @return the frame the detector trains on: {@code image}, {@code sad_label} and, if present, {@code sample_id}
     */
    Dataset<Row> trainingFrame(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        if (getInputCol().equals(Columns.IMAGE) && SampleImages.byUri(dataset.toDF())) {
            // a samples table stored by URI: its images are read and decoded on the executors as training needs them
            dataset = SampleImages.resolve(dataset.toDF());
        }
        List<Column> cols = new ArrayList<>();
        cols.add(col(getInputCol()).as(Columns.IMAGE));
        cols.add((hasLabels(schema) ? col(getLabelCol()).cast(DataTypes.IntegerType)
                : lit(SadLabel.UNLABELLED.value())).as(SadLabel.COLUMN));
        if (Schemas.has(schema, getIdCol())) {
            cols.add(col(getIdCol()).cast(DataTypes.StringType).as(Columns.SAMPLE_ID));
        }
        return dataset.select(cols.toArray(new Column[0]));
    }

    private boolean hasLabels(StructType schema) {
        String l = getLabelCol();
        return !l.isEmpty() && (isSet(labelCol) || Schemas.has(schema, l));
    }

    /**
     * Checks the input image column (binary), the label column (an integer type, when used) and that the output
     * column is new.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireType(schema, getInputCol(), DataTypes.BinaryType, "PNG images");
        if (hasLabels(schema)) {
            Schemas.requireIntegral(schema, getLabelCol(), "sad_label: -1, 0 or 1");
        }
        Schemas.requireAbsent(schema, getOutputCol());
        return schema.add(getOutputCol(), DataTypes.DoubleType, false);
    }

    /** @return a writer of the params (an estimator has no data) */
    @Override
    public MLWriter write() {
        return StageIO.writer(this, null);
    }

    /** @return a copy with the same uid and params, plus {@code extra} */
    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    // ---- params (Spark finds them by reflection: public, no arguments, returning a Param)

    /** @return the image column param (default {@code image}) */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the score column param (default {@code score}) */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the label column param (default {@code sad_label}) */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** @return the id column param (default {@code sample_id}) */
    public Param<String> idCol() {
        return idCol;
    }

    /** @return the encoder architecture param (default auto) */
    public Param<String> network() {
        return network;
    }

    /** @return the representation size param (default 0: the network's) */
    public IntParam repDim() {
        return repDim;
    }

    /** @return the η param (default 1) */
    public DoubleParam eta() {
        return eta;
    }

    /** @return the ε param (default 1e-6) */
    public DoubleParam epsilon() {
        return epsilon;
    }

    /** @return the centre-ε param (default 0.1) */
    public DoubleParam centerEps() {
        return centerEps;
    }

    /** @return the epochs param (default 30) */
    public IntParam epochs() {
        return epochs;
    }

    /** @return the learning-rate param (default 1e-4) */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** @return the weight-decay param (default 0.5e-6) */
    public DoubleParam weightDecay() {
        return weightDecay;
    }

    /** @return the learning-rate milestones param (default none) */
    public IntArrayParam milestones() {
        return milestones;
    }

    /** @return the per-worker minibatch param (default 128) */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the training partitions param (default 0) */
    public IntParam workers() {
        return workers;
    }

    /** @return the averaging-frequency param (default 5) */
    public IntParam averagingFrequency() {
        return averagingFrequency;
    }

    /** @return the native-threads param (default 0) */
    public IntParam threadsPerWorker() {
        return threadsPerWorker;
    }

    /** @return the pretraining switch param (default false) */
    public BooleanParam pretrain() {
        return pretrain;
    }

    /** @return the pretraining epochs param (default 10) */
    public IntParam pretrainEpochs() {
        return pretrainEpochs;
    }

    /** @return the pretraining learning-rate param (default 1e-4) */
    public DoubleParam pretrainLearningRate() {
        return pretrainLearningRate;
    }

    /** @return the pretraining weight-decay param (default 0.5e-3) */
    public DoubleParam pretrainWeightDecay() {
        return pretrainWeightDecay;
    }

    /** @return the seed param (default 12345, run.seed's default) */
    public LongParam seed() {
        return seed;
    }

    // ---- getters and setters

    /** @return the image column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @param v the image column; returns this */
    public E setInputCol(String v) {
        set(inputCol, v);
        return self();
    }

    /** @return the score column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @param v the score column; returns this */
    public E setOutputCol(String v) {
        set(outputCol, v);
        return self();
    }

    /** @return the label column ("" for none) */
    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /** @param v the label column; "" treats every row as an unlabelled normal; returns this */
    public E setLabelCol(String v) {
        set(labelCol, v);
        return self();
    }

    /** @return the id column */
    public String getIdCol() {
        return getOrDefault(idCol);
    }

    /** @param v the id column; returns this */
    public E setIdCol(String v) {
        set(idCol, v);
        return self();
    }

    /** @return the encoder architecture */
    public String getNetwork() {
        return getOrDefault(network);
    }

    /** @param v auto, lenet28 or lenet32; returns this */
    public E setNetwork(String v) {
        set(network, v);
        return self();
    }

    /** @return the representation size */
    public int getRepDim() {
        return (Integer) getOrDefault(repDim);
    }

    /** @param v the representation size, 0 for the network's default; returns this */
    public E setRepDim(int v) {
        set(repDim, v);
        return self();
    }

    /** @return η */
    public double getEta() {
        return (Double) getOrDefault(eta);
    }

    /** @param v η &gt; 0; returns this */
    public E setEta(double v) {
        set(eta, v);
        return self();
    }

    /** @return ε */
    public double getEpsilon() {
        return (Double) getOrDefault(epsilon);
    }

    /** @param v ε &gt; 0; returns this */
    public E setEpsilon(double v) {
        set(epsilon, v);
        return self();
    }

    /** @return the centre ε */
    public double getCenterEps() {
        return (Double) getOrDefault(centerEps);
    }

    /** @param v the centre ε &gt; 0; returns this */
    public E setCenterEps(double v) {
        set(centerEps, v);
        return self();
    }

    /** @return training epochs */
    public int getEpochs() {
        return (Integer) getOrDefault(epochs);
    }

    /** @param v epochs &gt;= 1; returns this */
    public E setEpochs(int v) {
        set(epochs, v);
        return self();
    }

    /** @return the learning rate */
    public double getLearningRate() {
        return (Double) getOrDefault(learningRate);
    }

    /** @param v the Adam learning rate &gt; 0; returns this */
    public E setLearningRate(double v) {
        set(learningRate, v);
        return self();
    }

    /** @return the weight decay */
    public double getWeightDecay() {
        return (Double) getOrDefault(weightDecay);
    }

    /** @param v the L2 weight decay &gt;= 0; returns this */
    public E setWeightDecay(double v) {
        set(weightDecay, v);
        return self();
    }

    /** @return the learning-rate milestones */
    public int[] getMilestones() {
        return getOrDefault(milestones).clone();
    }

    /** @param v epochs, increasing; returns this */
    public E setMilestones(int... v) {
        set(milestones, v.clone());
        return self();
    }

    /** @return the per-worker minibatch size */
    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /** @param v minibatch size &gt;= 1; returns this */
    public E setBatchSize(int v) {
        set(batchSize, v);
        return self();
    }

    /** @return training partitions */
    public int getWorkers() {
        return (Integer) getOrDefault(workers);
    }

    /** @param v training partitions, 0 for the default parallelism; returns this */
    public E setWorkers(int v) {
        set(workers, v);
        return self();
    }

    /** @return minibatches between averaging rounds */
    public int getAveragingFrequency() {
        return (Integer) getOrDefault(averagingFrequency);
    }

    /** @param v minibatches between averaging rounds &gt;= 1; returns this */
    public E setAveragingFrequency(int v) {
        set(averagingFrequency, v);
        return self();
    }

    /** @return native threads per task */
    public int getThreadsPerWorker() {
        return (Integer) getOrDefault(threadsPerWorker);
    }

    /** @param v native threads per task: 0 spark.task.cpus, -1 ND4J's default; returns this */
    public E setThreadsPerWorker(int v) {
        set(threadsPerWorker, v);
        return self();
    }

    /** @return whether the encoder is pretrained */
    public boolean getPretrain() {
        return (Boolean) getOrDefault(pretrain);
    }

    /** @param v pretrain the encoder as an autoencoder first; returns this */
    public E setPretrain(boolean v) {
        set(pretrain, v);
        return self();
    }

    /** @return pretraining epochs */
    public int getPretrainEpochs() {
        return (Integer) getOrDefault(pretrainEpochs);
    }

    /** @param v pretraining epochs &gt;= 1; returns this */
    public E setPretrainEpochs(int v) {
        set(pretrainEpochs, v);
        return self();
    }

    /** @return the pretraining learning rate */
    public double getPretrainLearningRate() {
        return (Double) getOrDefault(pretrainLearningRate);
    }

    /** @param v the pretraining learning rate &gt; 0; returns this */
    public E setPretrainLearningRate(double v) {
        set(pretrainLearningRate, v);
        return self();
    }

    /** @return the pretraining weight decay */
    public double getPretrainWeightDecay() {
        return (Double) getOrDefault(pretrainWeightDecay);
    }

    /** @param v the pretraining weight decay &gt;= 0; returns this */
    public E setPretrainWeightDecay(double v) {
        set(pretrainWeightDecay, v);
        return self();
    }

    /** @return the seed */
    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** @param v the seed; returns this */
    public E setSeed(long v) {
        set(seed, v);
        return self();
    }
}
