package io.kka.loop;

import io.kka.config.JobConfig;
import io.kka.detect.Detector;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.ImageRenderer;
import io.kka.generate.http.HttpDescriptionGenerator;
import io.kka.generate.http.HttpImageRenderer;
import io.kka.store.RunLayout;
import io.kka.tune.ModelRef;
import io.kka.tune.Tuner;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@link FakeStages} with Eq. 3–4 through the real HTTP stages and their response cache under RUN/cache (on whatever
 * file system the run directory is): the driver-side faults tests count what the endpoints were paid.
 */
final class FakeHttpStages implements Stages {
    private final FakeStages fake;
    private final SparkSession spark;
    private final JobConfig cfg;

    FakeHttpStages(SparkSession spark, JobConfig cfg) {
        this.fake = new FakeStages(spark);
        this.spark = spark;
        this.cfg = cfg;
    }

    @Override
    public Dataset<Row> representatives(Dataset<Row> trainNormals, Detector encoder) {
        return fake.representatives(trainNormals, encoder);
    }

    @Override
    public Dataset<Row> prompts(Dataset<Row> representatives, int iteration, long seed) {
        return fake.prompts(representatives, iteration, seed);
    }

    @Override
    public ModelRef initialModel() {
        return fake.initialModel();
    }

    @Override
    public DescriptionGenerator describer(ModelRef lm) {
        return HttpDescriptionGenerator.of(spark, cfg.llm().withModel(lm.ref()), List.of("Trouser"),
                new RunLayout(cfg.run().dir()).cache());
    }

    @Override
    public ImageRenderer renderer() {
        return HttpImageRenderer.of(spark, cfg.images(), cfg.data(), new RunLayout(cfg.run().dir()).cache());
    }

    @Override
    public Detector fit(Dataset<Row> trainNormals, Dataset<Row> anomalySet, long seed) {
        return fake.fit(trainNormals, anomalySet, seed);
    }

    @Override
    public Detector load(String uri) {
        return fake.load(uri);
    }

    @Override
    public Tuner tuner(int iteration, long seed) {
        return fake.tuner(iteration, seed);
    }

    @Override
    public Optional<Evaluation> evaluate(Dataset<Row> scoredTest) {
        return fake.evaluate(scoredTest);
    }
}
