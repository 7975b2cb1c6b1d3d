/**
 * The {@code kka} command line (picocli): ingest, run, generate, report, config and bench commands. Commands parse,
 * validate, open the SparkSession (the master always comes from spark-submit or the launcher) and call one stage.
 */
package io.kka.cli;
