package io.kka.config;

/**
 * Where a run lives and how it iterates.
 *
 * @param name       a name for the Spark application and the report
 * @param dir        the run directory, any Hadoop FS URI or local path
 * @param seed       the master seed; every stochastic stage derives its own seed from it
 * @param iterations number of KKA iterations T (KKA(0) is the first generation, before any DPO)
 * @param mode       how the anomaly set is updated between iterations
 * @param leaseTtlS  heartbeat TTL of the run directory's lease, seconds: a second driver on the same run directory
 *                   is refused while the holder's heartbeat moves within it, and takes over a lease that did not
 */
public record RunConfig(
        @Doc("name of the Spark application and of the report") String name,
        @Doc("run directory: any Hadoop FS URI (file://, hdfs://, s3a://) or a local path") String dir,
        @Doc("master seed; every stochastic stage derives its seed from it") long seed,
        @Doc("KKA iterations after the first generation (KKA(0)); 0 runs generation once without DPO") int iterations,
        @Doc("anomaly-set update: add keeps every generated anomaly, replace keeps the size fixed and replaces"
                + " easy anomalies") UpdateMode mode,
        @Doc("heartbeat TTL of the run directory's lease (_lease.json), seconds: a second driver is refused while"
                + " the holder's heartbeat moves within it; a lease whose heartbeat stood still that long is taken"
                + " over (a driver that starts beside a dead one waits this long once)") double leaseTtlS)
        implements java.io.Serializable {

    /** Validates. */
    public RunConfig {
        Check.notBlank("name", name);
        Check.notBlank("dir", dir);
        Check.atLeast("iterations", iterations, 0);
        Check.notNull("mode", mode);
        Check.positive("lease_ttl_s", leaseTtlS);
    }

    /** @return a copy with another iteration count */
    public RunConfig withIterations(int n) {
        return new RunConfig(name, dir, seed, n, mode, leaseTtlS);
    }

    /** @return defaults */
    public static RunConfig defaults() {
        return new RunConfig("kka", "runs/kka", 12345L, 3, UpdateMode.REPLACE, 30);
    }

    /** The paper's two anomaly-set update rules. */
    public enum UpdateMode {
        /** keep adding newly generated anomalies */
        ADD,
        /** keep the set size fixed; replace easy anomalies with new ones */
        REPLACE
    }
}
