package io.kka.detect;

import io.kka.config.EvaluatorConfig;
import io.kka.config.RepresentativesConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * mahalanobis: the paper's Eq. 1 as a detector, on the φ(x) of an encoder pretrained as an autoencoder on the
 * training normals (evaluator.pretrain's budget). Labelled anomalies are ignored: the Gaussians see normals only.
 */
final class MahalanobisProvider implements DetectorProvider {
    @Override
    public Detector fit(Dataset<Row> train, EvaluatorConfig cfg, long seed) {
        Dataset<Row> normals = train.where(train.col(SadLabel.COLUMN).notEqual(SadLabel.ANOMALY.value()));
        DeepSadModel encoder = DeepSadTrainer.of(cfg.withPretrainEnabled(), seed).pretrained(normals);
        EvaluatorConfig.MahalanobisConfig m = cfg.mahalanobis();
        RepresentativesConfig r = new RepresentativesConfig(m.k(), RepresentativesConfig.FeatureKind.ENCODER,
                RepresentativesConfig.defaults().pixelSize(), m.shrinkage(), RepresentativesConfig.defaults()
                .maxIterations());
        return MahalanobisDetector.of(r, seed).fit(normals, encoder);
    }

    @Override
    public Detector read(String dir, SparkSession spark) {
        return MahalanobisModel.read(dir, spark);
    }
}
