package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.tune.ModelRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.JobConfig;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code kka generate}: representatives → descriptions → images for one iteration, outside the loop (e.g. as
 * its own Airflow task, or to inspect what an endpoint produces). Writes {@code RUN/generate/NNN/} with the
 * representatives, prompts, descriptions and generated rows, and a {@code metrics.json} with counts and usage.
 * The language model is the one the loop would use at that iteration: the tuned model of iteration N−1 if it is
 * committed, else the model before any DPO.
 */
public final class GenerateOnce {
    private GenerateOnce() {
    }

    /**
     * @param spark     the session
     * @param cfg       the job config
     * @param iteration the iteration N
     * @return the generation counts and usage
     */
    public static ObjectNode run(SparkSession spark, JobConfig cfg, int iteration) {
        RunLayout layout = new RunLayout(cfg.run().dir());
        Inputs in = Inputs.open(spark, cfg, layout);
        Stages stages = DefaultStages.of(cfg, spark, in.all());
        Checkpoints checkpoints = Checkpoints.of(layout, spark.sparkContext().hadoopConfiguration());
        ModelRef lm = iteration > 0 && checkpoints.lastComplete() >= iteration - 1
                ? checkpoints.record(iteration - 1).lmNext() : stages.initialModel();
        String out = layout.path(String.format("generate/%03d", iteration));
        StageClock clock = new StageClock(spark, "generate " + iteration);
        long seed = IterationContext.seedOf(cfg.run().seed(), iteration);
        // with learned features, E_{N-1}'s encoder when that iteration is committed (else a pretrained one)
        Detector encoder = iteration > 0 && checkpoints.lastComplete() >= iteration - 1
                && cfg.representatives().features() == io.kka.config.RepresentativesConfig.FeatureKind.ENCODER
                ? stages.load(layout.iteration(iteration - 1, "evaluator")) : null;
        Dataset<Row> reps = clock.run("representatives", "selecting representative normals (Eq. 2)", () ->
                GenerateStep.persist(spark, stages.representatives(in.trainNormals(), encoder), Fs.child(out,
                        "representatives")));
        GenerateStep.Output g = GenerateStep.run(new IterationContext(spark, cfg, stages, layout, in, iteration,
                seed, out, clock), reps, lm);
        ObjectNode m = Metrics.JSON.createObjectNode();
        m.put("iteration", iteration);
        m.set("lm", Records.JSON.valueToTree(lm));
        m.set("generation", Records.JSON.valueToTree(g.counts()));
        m.set("usage", Records.JSON.valueToTree(g.usage()));
        ObjectNode s = m.putObject("seconds");
        clock.seconds().forEach(s::put);
        Fs.writeString(Fs.child(out, "metrics.json"), m.toPrettyString() + "\n",
                spark.sparkContext().hadoopConfiguration());
        return m;
    }
}
