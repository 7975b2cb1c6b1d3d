package io.kka.loop;

import io.kka.config.ConfigPrinter;
import io.kka.config.JobConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Where a run's results come from: config hash, seed, versions, git commit, inputs and time (after Tribuo's
 * ModelProvenance). Written into state.json and metrics.json.
 *
 * @param configSha256 SHA-256 of the effective config (JSON), {@code run.iterations} excluded so a run can be
 *                     extended
 * @param seed         run seed
 * @param kkaVersion   this job's version
 * @param gitCommit    commit the job was built from ("unknown" outside git; "+dirty" if uncommitted changes)
 * @param spark        Spark version at runtime
 * @param dl4j         DL4J version and ND4J backend
 * @param java         Java version
 * @param inputs       input paths (dataset, knowledge corpus, prompt template)
 * @param startedAt    ISO-8601 start time
 */
public record Provenance(String configSha256, long seed, String kkaVersion, String gitCommit, String spark,
        String dl4j, String java, List<String> inputs, String startedAt) {

    /**
     * @param cfg          the effective config
     * @param sparkVersion the running Spark's version
     * @return the provenance of a run started now
     */
    public static Provenance of(JobConfig cfg, String sparkVersion) {
        Properties v = resource("/io/kka/version.properties");
        Properties g = resource("/io/kka/git.properties");
        String commit = g.getProperty("git.commit.id", g.getProperty("git.commit.id.abbrev", "unknown"))
                + ("true".equals(g.getProperty("git.dirty")) ? "+dirty" : "");
        return new Provenance(configHash(cfg), cfg.run().seed(), v.getProperty("version", "unknown"), commit,
                sparkVersion, v.getProperty("dl4j", "unknown") + " (" + v.getProperty("backend", "?") + ")",
                System.getProperty("java.version"),
                List.of(cfg.data().path(), cfg.llm().embedded().knowledge(), cfg.llm().promptTemplate()),
                Instant.now().toString());
    }

    /**
     * @param cfg a config
     * @return SHA-256 (hex) of its JSON form with run.iterations and run.lease_ttl_s at fixed values, so that
     *         extending a run (or resuming it with another lease TTL) keeps the hash, and with the settings of the
     *         detector kinds the run does not use at their defaults ({@code EvaluatorConfig.withOtherKindsDefault}),
     *         so that they can change (a bench refitting another kind, a new setting of one) without orphaning runs
     */
    public static String configHash(JobConfig cfg) {
        var run = cfg.run();
        JobConfig normalised = new JobConfig(new io.kka.config.RunConfig(run.name(), run.dir(), run.seed(), 0,
                run.mode(), 30), cfg.data(), cfg.task(), cfg.evaluator().withOtherKindsDefault(),
                cfg.representatives(), cfg.llm(), cfg.images(),
                cfg.selection(), cfg.tuning());
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(ConfigPrinter.json(normalised)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties resource(String name) {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // provenance fields fall back to "unknown"
        }
        return p;
    }
}
