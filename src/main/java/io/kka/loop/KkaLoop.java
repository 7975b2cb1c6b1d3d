package io.kka.loop;

import io.kka.tune.ModelRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.config.RepresentativesConfig;
import io.kka.config.TuningConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import io.kka.store.RunLease;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Algorithm 1 of the KKA paper, one committed checkpoint per iteration.
 *
 * <pre>
 * select representative normals (Eq. 2; with learned features again every iteration, with E_{t-1}'s encoder)
 * E_-1 = the evaluator on the normals alone (the No-anomalies baseline), threshold from validation normals
 * for t = 0 .. T:
 *     generate descriptions and images with LM_t (Eq. 3–4)
 *     judge G_t hard / easy with a held-out evaluator: E_{t-1} (E_-1 at t = 0) and its threshold (Eq. 6)
 *     t > 0: Eq. 8 measured: the same prompts from LM_{t-1}, judged by E_{t-1} too
 *     t = 0: A_0 = the usable generation less a held-out share;  t > 0: update A_t with the new hard anomalies (add, or replace
 *            members E_{t-1} found easy, Eq. 8)
 *     train the confusion evaluator E_t on normals + A_t (Eq. 5); its threshold from validation normals
 *     label A_t (in sample) and the probe G_t \ A_t (held out) hard / easy with E_t's threshold
 *     DPO: LM_{t+1} prefers the probe's hard over its easy descriptions (Eq. 7)
 *     commit iterations/t
 * final detector = E_T (Deep SAD on normals + A_T), evaluated on the test split
 * </pre>
 * A crash loses at most the iteration in progress: {@code --resume} restarts after the last committed one, and
 * the endpoint response cache makes the rerun free of repeated calls.
 */
public final class KkaLoop {
    private static final Logger LOG = LoggerFactory.getLogger(KkaLoop.class);

    private final JobConfig cfg;
    private final Function<Dataset<Row>, Stages> stagesOf;
    private final RunLayout layout;
    private Stages stages;

    private KkaLoop(JobConfig cfg, Function<Dataset<Row>, Stages> stagesOf) {
        this.cfg = cfg;
        this.stagesOf = stagesOf;
        this.layout = new RunLayout(cfg.run().dir());
    }

    /**
     * @param cfg      the job config
     * @param stagesOf builds the stage implementations from the run's samples table
     * @return the loop
     */
    public static KkaLoop of(JobConfig cfg, Function<Dataset<Row>, Stages> stagesOf) {
        return new KkaLoop(cfg, stagesOf);
    }

    /** @return the run directory */
    public RunLayout layout() {
        return layout;
    }

    /**
     * Runs (or resumes) the loop.
     *
     * @param spark          the session
     * @param resume         continue after the last committed iteration (a fresh directory just starts)
     * @param untilIteration stop after committing this iteration (use {@code Integer.MAX_VALUE} for all)
     * @return the run metrics (metrics.json), complete when the final detector has been evaluated
     */
    public ObjectNode run(SparkSession spark, boolean resume, int untilIteration) {
        refuseSpeculation(cfg, spark.sparkContext().getConf());
        io.kka.detect.Detectors.provider(cfg.evaluator().kind());
        try (RunLease lease = RunLease.acquire(layout.root(), spark.sparkContext().hadoopConfiguration(),
                cfg.run().leaseTtlS())) {
            return run(spark, resume, untilIteration, lease);
        }
    }

    /**
     * Speculative tasks would send every paid endpoint request of a straggling partition twice; the embedded
     * stand-ins are free and deterministic, so only HTTP providers refuse it.
     */
    static void refuseSpeculation(JobConfig cfg, org.apache.spark.SparkConf conf) {
        boolean http = cfg.llm().provider() != io.kka.config.LlmConfig.LlmProvider.EMBEDDED
                || cfg.images().provider() != io.kka.config.ImageGenConfig.ImageProvider.EMBEDDED;
        if (http && conf.getBoolean("spark.speculation", false)) {
            throw new InvalidInputException("spark.speculation=true would send the paid endpoint requests of slow"
                    + " partitions twice (llm.provider " + cfg.llm().provider().name().toLowerCase(Locale.ROOT)
                    + ", images.provider " + cfg.images().provider().name().toLowerCase(Locale.ROOT) + "); set"
                    + " spark.speculation=false for KKA runs");
        }
    }

    private ObjectNode run(SparkSession spark, boolean resume, int untilIteration, RunLease lease) {
        Provenance prov = Provenance.of(cfg, spark.version());
        Checkpoints checkpoints = Checkpoints.of(layout, spark.sparkContext().hadoopConfiguration());
        int first = checkpoints.begin(cfg, prov, resume);
        Inputs in = Inputs.open(spark, cfg, layout);
        stages = stagesOf.apply(in.all());
        int last = Math.min(cfg.run().iterations(), untilIteration);
        if (first > 0) {
            LOG.info("resuming {} after committed iteration {}", layout.root(), first - 1);
        }
        for (int t = first; t <= last; t++) {
            IterationRecord record = iteration(spark, in, t, checkpoints);
            lease.check();
            checkpoints.commit(t, record, prov);
        }
        boolean done = checkpoints.lastComplete() >= cfg.run().iterations();
        ObjectNode finalMetrics = done ? FinalStep.run(spark, stages, layout, in, cfg.run().iterations()) : null;
        lease.check();
        return RunMetrics.write(spark, layout, prov, checkpoints.lastComplete(), finalMetrics);
    }

    private IterationRecord iteration(SparkSession spark, Inputs in, int t, Checkpoints checkpoints) {
        StageClock clock = new StageClock(spark, "iteration " + t);
        String work = checkpoints.workDir(t);
        long seed = IterationContext.seedOf(cfg.run().seed(), t);
        IterationContext ctx = new IterationContext(spark, cfg, stages, layout, in, t, seed, work, clock);
        // tuning.provider none (the no-DPO ablation): every iteration generates with the initial model
        ModelRef lm = t == 0 || cfg.tuning().provider() == TuningConfig.TuningProvider.NONE ? stages.initialModel()
                : checkpoints.record(t - 1).lmNext();

        Dataset<Row> reps = representatives(ctx);
        GenerateStep.Output gen = GenerateStep.run(ctx, reps, lm);

        // the held-out judge of G_t: E_{t-1}, or at t = 0 the No-anomalies baseline (no evaluator has seen G_t)
        BaselineStep.Output baseline = t == 0 ? BaselineStep.run(ctx)
                : null;
        Judge judge = t == 0 ? baseline.judge()
                : Judge.previous(stages, cfg.selection(), checkpoints, layout.iteration(t - 1, "evaluator"), t);
        Dataset<Row> generated = clock.run("judge", "judging the new generation with " + judge.name() + " (Eq. 6)",
                () -> judged(spark, judge, gen.generated(), work));
        Dataset<Row> judged = AnomalySetUpdater.usable(generated);
        Composition.Judged newGeneration = Composition.of(judged, judge.selector().levels()).by(judge.name());

        DpoEffect.Output effect = null;
        if (t > 0 && cfg.selection().dpoEffect()) {
            ModelRef before = checkpoints.record(t - 1).lmUsed();
            if (!before.equals(lm)) {
                effect = DpoEffect.run(ctx, before, gen.prompts(), judge, judged);
            }
        }

        Update update = t == 0 ? Update.initial(ctx, judged)
                : clock.run("update", "updating the anomaly set (" + cfg.run().mode().name().toLowerCase() + ")",
                        () -> Update.next(ctx, judged));

        Judge base = t == 0 ? judge : Judge.baseline(stages, cfg.selection(), checkpoints,
                layout.iteration(0, "baseline"));
        EvaluateStep.Output eval = EvaluateStep.run(ctx, update.set(), judged, base);
        TuneStep.Output tune = TuneStep.run(ctx, lm, eval.probe(), gen.prompts());

        IterationMetrics metrics = IterationMetrics.of(cfg, t, new IterationMetrics.Parts(lm, gen,
                baseline == null ? null : baseline.metrics(), newGeneration, update, effect, eval, tune),
                clock.seconds());
        Records.write(Fs.child(work, "metrics.json"), metrics, ctx.conf());
        log(t, newGeneration, judge, eval, tune, effect);
        return IterationMetrics.record(t, lm, tune.lmNext(), eval, base.selector());
    }

    /** Eq. 2 once on pixels; on learned features every iteration, with E_{t-1}'s encoder (a pretrained one at t = 0). */
    private Dataset<Row> representatives(IterationContext ctx) {
        SparkSession spark = ctx.spark();
        Inputs in = ctx.in();
        int t = ctx.t();
        String work = ctx.work();
        StageClock clock = ctx.clock();
        boolean learned = cfg.representatives().features() == RepresentativesConfig.FeatureKind.ENCODER;
        if (t > 0 && !learned) {
            return spark.read().parquet(layout.iteration(0, "representatives"));
        }
        String features = !learned ? "pixels" : t == 0 ? "pretrained encoder" : "encoder of E_" + (t - 1);
        return clock.run("representatives", "selecting representative normals (Eq. 2, " + features + ")", () ->
                GenerateStep.persist(spark, stages.representatives(in.trainNormals(), t == 0 ? null
                        : stages.load(layout.iteration(t - 1, "evaluator"))), Fs.child(work, "representatives")));
    }

    /** @return G_t as its held-out judge sees it (error rows kept, with null score and hardness), written once */
    private static Dataset<Row> judged(SparkSession spark, Judge judge, Dataset<Row> generated, String work) {
        return GenerateStep.persist(spark, EvaluateStep.withFailed(judge.judge(AnomalySetUpdater.usable(generated)),
                generated), Fs.child(work, "generated"));
    }

    private static void log(int t, Composition.Judged newGeneration, Judge judge, EvaluateStep.Output eval,
            TuneStep.Output tune, DpoEffect.Output effect) {
        LOG.info("iteration {} · new generation {} ({} hard by {}), anomaly set {} ({} hard by the baseline, {} by"
                + " E_t), threshold {}, {} pairs{}{}", t, newGeneration.size(),
                newGeneration.hard(), judge.name(), eval.heldOut().size(),
                String.format("%.1f%%", 100 * eval.heldOut().hardFraction()),
                String.format("%.1f%%", 100 * eval.inSample().hardFraction()),
                String.format("%.4g", eval.selector().threshold()), tune.pairs(),
                effect == null || effect.metrics().ratio() == null ? ""
                        : String.format(", Eq. 8 ratio %.2f", effect.metrics().ratio()),
                eval.evaluation().map(e -> String.format(", test AUROC %.4f (report only)", e.auroc())).orElse(""));
    }
}
