package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.tune.ModelRef;
import io.kka.tune.Tuner;
import io.kka.tune.OpenAiDpoTuner;
import io.kka.tune.EmbeddedTuner;
import io.kka.tune.CommandTuner;
import static org.apache.spark.sql.functions.col;

import io.kka.config.JobConfig;
import io.kka.config.LlmConfig;
import io.kka.config.RepresentativesConfig;
import io.kka.config.TuningConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.detect.AnomalyMetrics;
import io.kka.detect.DeepSadModel;
import io.kka.detect.Detectors;
import io.kka.detect.DeepSadTrainer;
import io.kka.detect.SadLabel;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.ImageRenderer;
import io.kka.generate.PromptBuilder;
import io.kka.generate.Representatives;
import io.kka.generate.embedded.EmbeddedDescriptionGenerator;
import io.kka.generate.embedded.EmbeddedImageRenderer;
import io.kka.generate.embedded.EmbeddedLanguageModel;
import io.kka.generate.http.HttpDescriptionGenerator;
import io.kka.generate.http.HttpImageRenderer;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The stages of a real run, chosen by the config: embedded stand-ins or HTTP endpoints for Eq. 3–4, the
 * evaluator.kind detector for Eq. 5 (Deep SAD on DL4J-on-Spark by default), and the configured DPO tuner for Eq. 7.
 */
public final class DefaultStages implements Stages {
    /** run-relative path of the embedded language model before any DPO */
    public static final String INITIAL_LM = "lm-initial";

    private final JobConfig cfg;
    private final SparkSession spark;
    private final RunLayout layout;
    private final Dataset<Row> samples;
    private final List<String> normalClasses;

    private DefaultStages(JobConfig cfg, SparkSession spark, Dataset<Row> samples, List<String> normalClasses) {
        this.cfg = cfg;
        this.spark = spark;
        this.layout = new RunLayout(cfg.run().dir());
        this.samples = samples;
        this.normalClasses = normalClasses;
    }

    /**
     * @param cfg     the job config
     * @param spark   the session
     * @param samples the run's samples table (the embedded renderer draws from its auxiliary rows)
     * @return the stages
     */
    public static DefaultStages of(JobConfig cfg, SparkSession spark, Dataset<Row> samples) {
        return new DefaultStages(cfg, spark, samples, normalNames(cfg, samples));
    }

    /**
     * The names a description may use for the normal class (llm.drop_normal_mentions): the normal class names and,
     * when the class is a CIFAR-100 superclass ({@code household_furniture}), the fine classes of its images
     * ("chair", "couch", ...), which is what captions and language models say.
     */
    static List<String> normalNames(JobConfig cfg, Dataset<Row> samples) {
        Dataset<Row> normal = samples.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value()));
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        // a handful of rows: one per normal class
        normal.select(Columns.CLASS_NAME).distinct().collectAsList().forEach(r -> names.add(r.getString(0)));
        if (cfg.data().dataset() == io.kka.config.DataConfig.DatasetKind.CIFAR100
                && cfg.data().classLevel() == io.kka.config.DataConfig.ClassLevel.COARSE) {
            // five fine classes per superclass, so five distinct captions
            for (Row r : normal.select(Columns.CAPTION).distinct().limit(1000).collectAsList()) {
                String fine = io.kka.data.readers.Cifar100Reader.fineName(r.getString(0));
                if (fine != null) {
                    names.add(fine);
                }
            }
        }
        return List.copyOf(names);
    }

    /** @return the names a description may use for the normal class ({@link #normalNames(JobConfig, Dataset)}) */
    public List<String> normalNames() {
        return normalClasses;
    }

    private Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    @Override
    public Dataset<Row> representatives(Dataset<Row> trainNormals, Detector encoder) {
        Representatives r = Representatives.of(cfg.representatives(), cfg.run().seed());
        if (cfg.representatives().features() != RepresentativesConfig.FeatureKind.ENCODER) {
            return r.select(trainNormals);
        }
        DeepSadModel phi = encoder == null
                ? DeepSadTrainer.of(cfg.evaluator(), cfg.run().seed()).pretrained(SadLabel.withLabelFromRole(
                        trainNormals.select(Columns.SAMPLE_ID, Columns.ROLE, Columns.IMAGE)))
                : encoder.encoder();
        return r.select(trainNormals, phi);
    }

    @Override
    public Dataset<Row> prompts(Dataset<Row> representatives, int iteration, long seed) {
        // K rows (the representatives): their distinct captions become the prompt's examples (a repeated example
        // tells the model nothing new and narrows what it writes)
        java.util.Set<String> examples = new java.util.LinkedHashSet<>();
        for (Row r : representatives.select(Columns.CAPTION).collectAsList()) {
            if (!r.isNullAt(0)) {
                examples.add(r.getString(0).strip());
            }
        }
        return PromptBuilder.of(cfg.llm(), conf()).prompts(spark, iteration, List.copyOf(examples), seed);
    }

    @Override
    public ModelRef initialModel() {
        if (cfg.llm().provider() == LlmConfig.LlmProvider.OPENAI) {
            return ModelRef.name(cfg.llm().model());
        }
        String uri = layout.path(INITIAL_LM);
        if (!Fs.exists(uri, conf())) {
            EmbeddedLanguageModel.pretrain(cfg.llm().embedded(), cfg.run().seed(), conf()).save(uri, conf());
        }
        return ModelRef.embedded(INITIAL_LM);
    }

    @Override
    public DescriptionGenerator describer(ModelRef lm) {
        if (cfg.llm().provider() == LlmConfig.LlmProvider.OPENAI) {
            return HttpDescriptionGenerator.of(spark, cfg.llm().withModel(lm.ref()), normalClasses, layout.cache());
        }
        return EmbeddedDescriptionGenerator.of(spark, cfg.llm(), layout.path(lm.ref()), normalClasses);
    }

    @Override
    public ImageRenderer renderer() {
        return switch (cfg.images().provider()) {
            case EMBEDDED -> EmbeddedImageRenderer.of(samples, cfg.data(), cfg.images());
            case OPENAI, AUTOMATIC1111 -> HttpImageRenderer.of(spark, cfg.images(), cfg.data(), layout.cache());
        };
    }

    @Override
    public Detector fit(Dataset<Row> trainNormals, Dataset<Row> anomalySet, long seed) {
        return Detectors.fit(cfg.evaluator(), trainingRows(trainNormals, anomalySet), seed);
    }

    /**
     * Eq. 5's training frame: the training normals (sad_label 0) and the anomaly set (sad_label −1).
     *
     * @param trainNormals rows of the samples table with role normal
     * @param anomalySet   generated rows (role generated)
     * @return {@code sample_id}, {@code role}, {@code image} and {@code sad_label}
     */
    public static Dataset<Row> trainingRows(Dataset<Row> trainNormals, Dataset<Row> anomalySet) {
        return SadLabel.withLabelFromRole(trainNormals.select(Columns.SAMPLE_ID, Columns.ROLE, Columns.IMAGE)
                .unionByName(anomalySet.select(Columns.SAMPLE_ID, Columns.ROLE, Columns.IMAGE)));
    }

    @Override
    public Detector load(String uri) {
        return Detectors.load(uri, spark);
    }

    @Override
    public Tuner tuner(int iteration, long seed) {
        TuningConfig t = cfg.tuning();
        return switch (t.provider()) {
            case EMBEDDED -> EmbeddedTuner.of(t, seed, layout, conf(), ModelRef.embedded(INITIAL_LM));
            case OPENAI -> OpenAiDpoTuner.of(t, seed, conf());
            case COMMAND -> CommandTuner.of(t, conf());
            case NONE -> throw new IllegalStateException("tuning.provider none has no tuner");
        };
    }

    @Override
    public Optional<Evaluation> evaluate(Dataset<Row> scoredTest) {
        // one small aggregate: AnomalyMetrics refuses a split without both labels, which here means "not measured"
        List<Row> labels = scoredTest.groupBy(col(Columns.LABEL)).count().collectAsList();
        boolean normals = labels.stream().anyMatch(r -> !r.isNullAt(0) && r.getInt(0) == 0);
        boolean anomalies = labels.stream().anyMatch(r -> !r.isNullAt(0) && r.getInt(0) == 1);
        if (!normals || !anomalies) {
            return Optional.empty();
        }
        AnomalyMetrics.Result r = AnomalyMetrics.of(scoredTest, Columns.SCORE, Columns.LABEL);
        return Optional.of(new Evaluation(r.auroc(), r.auprc(), r.anomalies() + r.normals(),
                AnomalyMetrics.aurocPerClass(scoredTest, Columns.SCORE, Columns.LABEL, Columns.CLASS_NAME)));
    }
}
