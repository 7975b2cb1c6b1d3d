/**
 * The {@code kka} command line (picocli): ingest, run, generate, train, score, report and config; the bench commands are in {@link io.kka.bench}. Commands parse,
 * validate, open the SparkSession (the master always comes from spark-submit or the launcher) and call one stage.
 */
package io.kka.cli;
