/**
 * The Spark ML API of KKA: detectors as {@link org.apache.spark.ml.Estimator}/{@link org.apache.spark.ml.Model}
 * pairs ({@link io.kka.ml.DeepSad} → {@link io.kka.ml.DeepSadModel}, and {@link io.kka.ml.DetectorEstimator} →
 * {@link io.kka.ml.DetectorModel} for any {@code evaluator.kind}), and the generation stages (Eq. 3–4) as
 * {@link org.apache.spark.ml.Transformer}s ({@link io.kka.ml.DescribeAnomalies}, {@link io.kka.ml.RenderImages})
 * with an error column and a usage column, after SynapseML's OpenAI stages.
 *
 * <p>Every stage has typed {@link org.apache.spark.ml.param.Param}s (validated when set), checks its columns in
 * {@code transformSchema} with Spark's {@code SchemaUtils} wording, and is {@link org.apache.spark.ml.util.MLWritable}
 * in the layout of Spark's {@code DefaultParamsWriter}, so that {@link org.apache.spark.ml.PipelineModel#load}
 * reads a pipeline of them back (it calls the static {@code read()} of the class named in each stage's metadata).
 * The stages delegate to the job's own classes: {@link io.kka.detect.Detectors} for fitting, scoring and saving a
 * detector, {@link io.kka.generate.http.HttpDescriptionGenerator} and {@link io.kka.generate.http.HttpImageRenderer}
 * for the endpoint calls; the CLI's {@code kka train} and {@code kka score} go through the same estimator and model.
 */
package io.kka.ml;
