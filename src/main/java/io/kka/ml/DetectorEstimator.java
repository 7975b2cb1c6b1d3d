package io.kka.ml;

import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.config.SimpleNetConfig;
import io.kka.detect.Detector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * Any detector kind of the job ({@code evaluator.kind}) as a Spark ML estimator: {@link #kind()} chooses
 * deep-sad, mahalanobis (Eq. 1 on a pretrained encoder's features) or simplenet, and {@code fit} goes through the
 * {@link io.kka.detect.Detectors} registry, so a kind registered there needs nothing here. Besides the shared
 * encoder params, the kind-specific sections of {@link EvaluatorConfig} are params too ({@code clusters},
 * {@code shrinkage}; {@code simplenet*}), so that {@link #of} and {@link #evaluatorConfig()} map a config both
 * ways without loss. Usage:
 *
 * <pre>{@code
 * DetectorModel m = new DetectorEstimator().setKind("mahalanobis").setPretrainEpochs(5).fit(train);
 * }</pre>
 */
public final class DetectorEstimator extends AbstractDetectorEstimator<DetectorEstimator, DetectorModel> {
    private static final long serialVersionUID = 1L;
    private final Param<String> kind;
    private final IntParam clusters;
    private final DoubleParam shrinkage;
    private final DoubleParam simplenetNoiseStd;
    private final IntParam simplenetEpochs;
    private final DoubleParam simplenetLearningRate;
    private final DoubleParam simplenetAdaptorLearningRate;
    private final IntParam simplenetHidden;
    private final IntParam simplenetBatchSize;
    private final DoubleParam simplenetMargin;

    /** An estimator of the default kind (deep-sad) with a random uid. */
    public DetectorEstimator() {
        this(Identifiable$.MODULE$.randomUID("detector"));
    }

    /** @param uid the uid (used by {@code copy} and the reader) */
    public DetectorEstimator(String uid) {
        super(uid);
        kind = new Param<>(this, "kind", "the detector, as evaluator.kind: "
                + String.join(", ", wires(EvaluatorConfig.Kind.values())),
                Validators.oneOf(wires(EvaluatorConfig.Kind.values())));
        clusters = new IntParam(this, "clusters", "mahalanobis: clusters of the training normals (seeded k-means),"
                + " one Gaussian each", ParamValidators.gtEq(1));
        shrinkage = new DoubleParam(this, "shrinkage", "mahalanobis: covariance shrinkage towards the scaled"
                + " identity", ParamValidators.inRange(0, 1));
        simplenetNoiseStd = new DoubleParam(this, "simplenetNoiseStd", "simplenet: σ of the noise that makes"
                + " anomalous features", ParamValidators.gt(0));
        simplenetEpochs = new IntParam(this, "simplenetEpochs", "simplenet: epochs of adaptor and discriminator",
                ParamValidators.gtEq(1));
        simplenetLearningRate = new DoubleParam(this, "simplenetLearningRate", "simplenet: discriminator learning"
                + " rate", ParamValidators.gt(0));
        simplenetAdaptorLearningRate = new DoubleParam(this, "simplenetAdaptorLearningRate", "simplenet: feature"
                + " adaptor learning rate", ParamValidators.gt(0));
        simplenetHidden = new IntParam(this, "simplenetHidden", "simplenet: hidden units of the discriminator (0:"
                + " two thirds of the feature size)", ParamValidators.gtEq(0));
        simplenetBatchSize = new IntParam(this, "simplenetBatchSize", "simplenet: minibatch size",
                ParamValidators.gtEq(1));
        simplenetMargin = new DoubleParam(this, "simplenetMargin", "simplenet: margin of the truncated L1 loss",
                ParamValidators.gtEq(0));
        kindSections(EvaluatorConfig.defaults(), true);
    }

    /**
     * @param cfg  an evaluator config: every setting, its kind included, becomes a param
     * @param seed the seed
     * @return the estimator
     */
    public static DetectorEstimator of(EvaluatorConfig cfg, long seed) {
        return new DetectorEstimator().configure(cfg).setSeed(seed);
    }

    @Override
    protected DetectorEstimator configure(EvaluatorConfig cfg) {
        super.configure(cfg);
        kindSections(cfg, false);
        return this;
    }

    private void kindSections(EvaluatorConfig cfg, boolean asDefault) {
        put(kind, ConfigBinder.Names.wire(cfg.kind()), asDefault);
        put(clusters, cfg.mahalanobis().k(), asDefault);
        put(shrinkage, cfg.mahalanobis().shrinkage(), asDefault);
        SimpleNetConfig s = cfg.simplenet();
        put(simplenetNoiseStd, s.noiseStd(), asDefault);
        put(simplenetEpochs, s.epochs(), asDefault);
        put(simplenetLearningRate, s.learningRate(), asDefault);
        put(simplenetAdaptorLearningRate, s.adaptorLearningRate(), asDefault);
        put(simplenetHidden, s.hidden(), asDefault);
        put(simplenetBatchSize, s.batchSize(), asDefault);
        put(simplenetMargin, s.margin(), asDefault);
    }

    @Override
    protected EvaluatorConfig.Kind detectorKind() {
        return unwire(EvaluatorConfig.Kind.class, getKind());
    }

    @Override
    protected EvaluatorConfig.MahalanobisConfig mahalanobisConfig() {
        return new EvaluatorConfig.MahalanobisConfig(getClusters(), getShrinkage());
    }

    @Override
    protected SimpleNetConfig simpleNetConfig() {
        return new SimpleNetConfig((Double) getOrDefault(simplenetNoiseStd), (Integer) getOrDefault(simplenetEpochs),
                (Double) getOrDefault(simplenetLearningRate), (Double) getOrDefault(simplenetAdaptorLearningRate),
                (Integer) getOrDefault(simplenetHidden),
                (Integer) getOrDefault(simplenetBatchSize), (Double) getOrDefault(simplenetMargin));
    }

    @Override
    protected DetectorModel newModel(String uid, Detector detector) {
        return new DetectorModel(uid, detector);
    }

    /** @return the reader {@link org.apache.spark.ml.Pipeline#load} calls */
    public static MLReader<DetectorEstimator> read() {
        return StageIO.reader(DetectorEstimator.class, (uid, path, spark) -> new DetectorEstimator(uid));
    }

    /**
     * @param path a directory written by {@link #write()}
     * @return the estimator
     */
    public static DetectorEstimator load(String path) {
        return read().load(path);
    }

    // ---- params

    /** @return the kind param (default deep-sad) */
    public Param<String> kind() {
        return kind;
    }

    /** @return the mahalanobis clusters param (default 1) */
    public IntParam clusters() {
        return clusters;
    }

    /** @return the mahalanobis shrinkage param (default 0.1) */
    public DoubleParam shrinkage() {
        return shrinkage;
    }

    /** @return the simplenet noise σ param (default 0.1) */
    public DoubleParam simplenetNoiseStd() {
        return simplenetNoiseStd;
    }

    /** @return the simplenet epochs param (default 40) */
    public IntParam simplenetEpochs() {
        return simplenetEpochs;
    }

    /** @return the simplenet adaptor learning-rate param */
    public DoubleParam simplenetAdaptorLearningRate() {
        return simplenetAdaptorLearningRate;
    }

    /** @return the simplenet learning-rate param (default from SimpleNetConfig) */
    public DoubleParam simplenetLearningRate() {
        return simplenetLearningRate;
    }

    /** @return the simplenet hidden-units param (0: two thirds of the feature size) */
    public IntParam simplenetHidden() {
        return simplenetHidden;
    }

    /** @return the simplenet minibatch param */
    public IntParam simplenetBatchSize() {
        return simplenetBatchSize;
    }

    /** @return the simplenet margin param (default 0.5) */
    public DoubleParam simplenetMargin() {
        return simplenetMargin;
    }

    /** @return the kind */
    public String getKind() {
        return getOrDefault(kind);
    }

    /** @param v deep-sad, simplenet or mahalanobis; returns this */
    public DetectorEstimator setKind(String v) {
        set(kind, v);
        return this;
    }

    /** @return mahalanobis clusters */
    public int getClusters() {
        return (Integer) getOrDefault(clusters);
    }

    /** @param v mahalanobis clusters &gt;= 1; returns this */
    public DetectorEstimator setClusters(int v) {
        set(clusters, v);
        return this;
    }

    /** @return mahalanobis shrinkage */
    public double getShrinkage() {
        return (Double) getOrDefault(shrinkage);
    }

    /** @param v mahalanobis shrinkage in [0, 1]; returns this */
    public DetectorEstimator setShrinkage(double v) {
        set(shrinkage, v);
        return this;
    }

    /** @param v simplenet noise σ &gt; 0; returns this */
    public DetectorEstimator setSimplenetNoiseStd(double v) {
        set(simplenetNoiseStd, v);
        return this;
    }

    /** @param v simplenet epochs &gt;= 1; returns this */
    public DetectorEstimator setSimplenetEpochs(int v) {
        set(simplenetEpochs, v);
        return this;
    }

    /** @param v simplenet learning rate &gt; 0; returns this */
    public DetectorEstimator setSimplenetLearningRate(double v) {
        set(simplenetLearningRate, v);
        return this;
    }

    /**
     * @param v simplenet adaptor learning rate &gt; 0
     * @return this
     */
    public DetectorEstimator setSimplenetAdaptorLearningRate(double v) {
        set(simplenetAdaptorLearningRate, v);
        return this;
    }

    /** @param v simplenet hidden units &gt;= 0 (0: two thirds of the feature size); returns this */
    public DetectorEstimator setSimplenetHidden(int v) {
        set(simplenetHidden, v);
        return this;
    }

    /** @param v simplenet minibatch &gt;= 1; returns this */
    public DetectorEstimator setSimplenetBatchSize(int v) {
        set(simplenetBatchSize, v);
        return this;
    }

    /** @param v simplenet margin &gt;= 0; returns this */
    public DetectorEstimator setSimplenetMargin(double v) {
        set(simplenetMargin, v);
        return this;
    }
}
