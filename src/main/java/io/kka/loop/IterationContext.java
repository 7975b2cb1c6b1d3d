package io.kka.loop;

import io.kka.config.JobConfig;
import io.kka.data.SplitHash;
import io.kka.store.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * What every step of iteration t works with, in one place of the long parameter lists it replaces.
 *
 * @param spark  the session
 * @param cfg    the job config
 * @param stages the stage implementations
 * @param layout the run directory
 * @param in     the samples table's views
 * @param t      the iteration
 * @param seed   the iteration's seed ({@link #seedOf})
 * @param work   the iteration's working directory (renamed into place on commit)
 * @param clock  the iteration's stage clock
 */
record IterationContext(SparkSession spark, JobConfig cfg, Stages stages, RunLayout layout, Inputs in, int t,
        long seed, String work, StageClock clock) {

    /** @return the seed of iteration t of a run with seed {@code runSeed} */
    static long seedOf(long runSeed, int t) {
        return SplitHash.mix(runSeed * 31 + t);
    }

    /** @return the session's Hadoop configuration */
    Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** @return the committed directory of this iteration, relative to the run directory */
    String committedRel() {
        return "iterations/" + String.format("%03d", t);
    }
}
