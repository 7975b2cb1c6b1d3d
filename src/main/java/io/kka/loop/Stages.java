package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.tune.ModelRef;
import io.kka.tune.Tuner;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.ImageRenderer;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The stages Algorithm 1 is made of, built from the config. {@link KkaLoop} only sequences them; which
 * implementation runs (embedded stand-ins or HTTP endpoints, which tuner) is decided here.
 */
public interface Stages {
    /**
     * Eq. 1–2: the representative training normals whose captions seed the prompt.
     *
     * @param trainNormals the training normals
     * @param encoder      E_{t-1}, whose φ gives the features with {@code representatives.features: encoder}; null at
     *                     iteration 0 (the stage then pretrains an encoder, or uses pixels)
     */
    Dataset<Row> representatives(Dataset<Row> trainNormals, Detector encoder);

    /** The prompt rows of iteration t (GenerationSchemas.PROMPTS) built from the representatives. */
    Dataset<Row> prompts(Dataset<Row> representatives, int iteration, long seed);

    /**
     * The language model before any DPO (also DPO's frozen reference, the paper's θ_L). Embedded weights are
     * written once under the run directory; a rerun with the same seed gives the same weights.
     */
    ModelRef initialModel();

    /** Eq. 3 with the given language model. */
    DescriptionGenerator describer(ModelRef lm);

    /** Eq. 4. */
    ImageRenderer renderer();

    /** Eq. 5: trains the confusion evaluator on the training normals plus the labelled anomaly set. */
    Detector fit(Dataset<Row> trainNormals, Dataset<Row> anomalySet, long seed);

    /** Loads an evaluator saved by {@link Detector#save}. */
    Detector load(String uri);

    /** Eq. 7: the tuner of iteration t. */
    Tuner tuner(int iteration, long seed);

    /**
     * Measures a scored test split (reporting only: no decision reads it).
     *
     * @param scoredTest test rows with label, class_name and score
     * @return AUROC, AUPRC, rows and AUROC per anomaly class vs the normals; empty when the split lacks normals or
     *         anomalies (nothing to measure), never an error for that
     */
    Optional<Evaluation> evaluate(Dataset<Row> scoredTest);
}
