package io.kka.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.data.SplitHash;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Algorithm 1 of the KKA paper, one committed checkpoint per iteration.
 *
 * <pre>
 * select representative normals (Eq. 2)
 * for t = 0 .. T:
 *     generate descriptions and images with LM_t (Eq. 3–4)
 *     t = 0: A_0 = the usable generation;  t > 0: update A_t with the new hard anomalies (add | replace, Eq. 8)
 *     train the confusion evaluator E_t on normals + A_t (Eq. 5)
 *     split generated anomalies into hard / easy with the validation-normal threshold (Eq. 6)
 *     DPO: LM_{t+1} prefers hard over easy descriptions (Eq. 7)
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
            ObjectNode record = iteration(spark, in, t, checkpoints);
            checkpoints.commit(t, record, prov);
        }
        boolean done = checkpoints.lastComplete() >= cfg.run().iterations();
        ObjectNode finalMetrics = done ? FinalStep.run(spark, stages, layout, in, cfg.run().iterations()) : null;
        return RunMetrics.write(spark, layout, prov, checkpoints.lastComplete(), finalMetrics);
    }

    private ObjectNode iteration(SparkSession spark, Inputs in, int t, Checkpoints checkpoints) {
        StageClock clock = new StageClock(spark, "iteration " + t);
        String work = checkpoints.workDir(t);
        long seed = SplitHash.mix(cfg.run().seed() * 31 + t);
        ModelRef lm = t == 0 ? stages.initialModel()
                : Metrics.model(checkpoints.record(t - 1).path("lm_next"));

        Dataset<Row> reps = t == 0
                ? clock.run("representatives", "selecting representative normals (Eq. 2)", () ->
                        GenerateStep.persist(spark, stages.representatives(in.trainNormals()),
                                Fs.child(work, "representatives")))
                : spark.read().parquet(layout.iteration(0, "representatives"));
        GenerateStep.Output gen = GenerateStep.run(spark, stages, reps, lm, t, seed, work, clock);

        Update update = t == 0 ? Update.initial(cfg, gen.generated(), seed)
                : clock.run("update", "updating the anomaly set (" + cfg.run().mode().name().toLowerCase() + ")",
                        () -> Update.next(spark, cfg, stages, layout, t, gen.generated(), seed, checkpoints));

        EvaluateStep.Output eval = EvaluateStep.run(spark, stages, cfg.selection(), in, update.set(),
                gen.generated(), seed, work, clock);

        Dataset<Row> pool = eval.anomalySet().unionByName(eval.generated()).dropDuplicates("sample_id");
        // the set keeps anomalies of earlier iterations: their prompts are in those iterations' checkpoints
        Dataset<Row> prompts = gen.prompts();
        for (int i = 0; i < t; i++) {
            prompts = prompts.unionByName(spark.read().parquet(layout.iteration(i, "prompts")));
        }
        TuneStep.Output tune = TuneStep.run(spark, cfg, stages, t, seed, lm, pool, prompts, work,
                "iterations/" + String.format("%03d", t), clock);

        ObjectNode metrics = IterationMetrics.of(cfg, t, lm, gen, update, eval, tune, clock.seconds());
        Fs.writeString(Fs.child(work, "metrics.json"), metrics.toPrettyString() + "\n",
                spark.sparkContext().hadoopConfiguration());
        LOG.info("iteration {} · anomaly set {} ({} hard, {}), threshold {}, {} pairs{}", t,
                eval.set().get("size").asLong(), eval.set().get("hard").asLong(),
                String.format("%.1f%%", 100 * eval.set().get("hard_fraction").asDouble()),
                String.format("%.4g", eval.selector().threshold()), tune.pairs(),
                eval.evaluation() == null ? "" : String.format(", test AUROC %.4f (report only)",
                        eval.evaluation().get("auroc").asDouble()));
        return IterationMetrics.record(t, lm, tune.lmNext(), eval);
    }
}
