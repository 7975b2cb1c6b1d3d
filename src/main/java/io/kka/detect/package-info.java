/**
 * Detectors and their evaluation: the Deep SAD confusion evaluator (Eq. 5, Ruff et al. 2020) trained with
 * DL4J on Spark, Deep SVDD (Deep SAD without labelled anomalies), the Mahalanobis detector of Eq. 1, and exact
 * distributed AUROC/AUPRC with confidence intervals over tasks.
 *
 * <p>Stages follow Spark ML's shape: a trainer with {@code fit(Dataset<Row>)} returns a model whose
 * {@code score(Dataset<Row>)} appends a {@code score} column on the executors. Networks travel to executors as
 * plain arrays ({@link io.kka.detect.NetSnapshot}), never as live ND4J arrays (see notes/stack.md: Spark closes
 * broadcast values that are AutoCloseable).
 */
package io.kka.detect;
