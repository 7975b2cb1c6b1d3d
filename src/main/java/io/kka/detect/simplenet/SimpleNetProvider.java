package io.kka.detect.simplenet;

import io.kka.config.EvaluatorConfig;
import io.kka.detect.DeepSadModel;
import io.kka.detect.DeepSadTrainer;
import io.kka.detect.Detector;
import io.kka.detect.DetectorProvider;
import io.kka.detect.SadLabel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * simplenet: SimpleNet (Liu et al., CVPR 2023) on the φ(x) of an encoder pretrained as an autoencoder on the
 * training normals (evaluator.pretrain's budget, as for mahalanobis). SimpleNet itself uses a frozen ImageNet
 * backbone (WideResNet-50); none is available offline, and the paper's detectors all see the same images, so the
 * encoder is the one the project already trains, without labels. Labelled anomalies (sad_label −1) join the noise
 * features as negatives: SimpleNet+KKA; without them this is plain SimpleNet, the No-anomalies baseline.
 */
public final class SimpleNetProvider implements DetectorProvider {
    @Override
    public Detector fit(Dataset<Row> train, EvaluatorConfig cfg, long seed) {
        Dataset<Row> normals = train.where(train.col(SadLabel.COLUMN).notEqual(SadLabel.ANOMALY.value()));
        DeepSadModel encoder = DeepSadTrainer.of(cfg.withPretrainEnabled(), seed).pretrained(normals);
        return SimpleNetTrainer.of(cfg.simplenet(), cfg.workers(), cfg.averagingFrequency(), seed).fit(train,
                encoder);
    }

    @Override
    public Detector read(String dir, SparkSession spark) {
        return SimpleNetModel.read(dir, spark);
    }
}
