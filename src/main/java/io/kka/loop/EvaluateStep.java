package io.kka.loop;

import io.kka.detect.Detector;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.store.Fs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 5–6 for one iteration: trains the confusion evaluator E_t on the training normals and the anomaly set
 * A_t, sets its hard threshold from the validation normals (the threshold that judges G_{t+1}), and labels:
 * <ul>
 *   <li>every member of A_t as E_t sees it after training on it (in sample: a replace later swaps out the members
 *       E_t separates, the easy ones);</li>
 *   <li>the probe, the rows of G_t that did not enter A_t and that E_t therefore never saw: DPO's pairs come from
 *       it, so that the model learns what E_t confuses on anomalies it did not train on, which is what the Eq. 8
 *       measurement of the next iteration (judged by E_t) tests;</li>
 *   <li>A_t again, held out, by the No-anomalies baseline, for the reported hard fraction of the set.</li>
 * </ul>
 * Writes the evaluator, the labelled anomaly set and probe, and E_t's scores of the validation normals, the test
 * split and A_t for the report. The test split is scored for the report only, after every decision of the iteration is made.
 */
final class EvaluateStep {
    /**
     * @param evaluator  E_t
     * @param selector   the fitted Eq. 6 threshold of E_t
     * @param valNormals validation normals that set it
     * @param anomalySet A_t as persisted, with E_t's score and hardness
     * @param heldOut    A_t judged by the baseline (Composition)
     * @param inSample   A_t judged by E_t (Composition)
     * @param probe      the rows of G_t that E_t did not train on, with E_t's score and hardness (DPO's pairs)
     * @param probed     their Composition
     * @param evaluation the test evaluation (reporting only), empty when not measurable
     */
    record Output(Detector evaluator, HardAnomalySelector selector, long valNormals, Dataset<Row> anomalySet,
            Composition heldOut, Composition inSample, Dataset<Row> probe, Composition probed,
            java.util.Optional<Evaluation> evaluation) {
    }

    private EvaluateStep() {
    }

    /**
     * @param anomalySet A_t
     * @param candidates the usable rows of G_t
     * @param baseline   the No-anomalies baseline as a judge
     */
    static Output run(IterationContext ctx, Dataset<Row> anomalySet, Dataset<Row> candidates, Judge baseline) {
        SparkSession spark = ctx.spark();
        Stages stages = ctx.stages();
        SelectionConfig selection = ctx.cfg().selection();
        Inputs in = ctx.in();
        long seed = ctx.seed();
        String work = ctx.work();
        StageClock clock = ctx.clock();
        Detector e = clock.run("train", "training the confusion evaluator (Eq. 5)", () -> {
            Detector fitted = stages.fit(in.trainNormals(), anomalySet, seed);
            fitted.save(Fs.child(work, "evaluator"), true, spark.sparkContext().hadoopConfiguration());
            return fitted;
        });
        return clock.run("select", "scoring and selecting hard anomalies (Eq. 6)", () -> {
            // small frames read several times: cached, so that the network scores each row once
            Dataset<Row> val = score(e, in.valNormals()).cache();
            HardAnomalySelector sel = HardAnomalySelector.fit(selection, val);
            Dataset<Row> set = GenerateStep.persist(spark, sel.select(score(e, anomalySet)),
                    Fs.child(work, "anomaly_set"));
            Dataset<Row> setByBaseline = baseline.judge(set).cache();
            Composition heldOut = Composition.of(setByBaseline, baseline.selector().levels());
            setByBaseline.unpersist();
            Dataset<Row> unseen = candidates.join(set.select(col(Columns.SAMPLE_ID).as("_in")),
                    candidates.col(Columns.SAMPLE_ID).equalTo(col("_in")), "left_anti");
            Dataset<Row> probe = GenerateStep.persist(spark, sel.select(score(e, unseen)), Fs.child(work, "probe"));
            Dataset<Row> test = score(e, in.test());
            Dataset<Row> scores = GenerateStep.persist(spark, scoreColumns(val).unionByName(scoreColumns(test))
                    .unionByName(scoreColumns(set.withColumn(Columns.ROLE, lit(Role.GENERATED.value())))),
                    Fs.child(work, "scores"));
            java.util.Optional<Evaluation> evaluation = stages.evaluate(scores.filter(
                    col(Columns.ROLE).equalTo(Role.TEST.value())));
            long valNormals = val.count();
            val.unpersist();
            return new Output(e, sel, valNormals, set, heldOut, Composition.of(set), probe,
                    Composition.of(probe, sel.levels()), evaluation);
        });
    }

    /** Scores rows with {@code e}, replacing any score and hardness they carried from an earlier evaluator. */
    static Dataset<Row> score(Detector e, Dataset<Row> rows) {
        return e.score(rows.drop(Columns.SCORE, Columns.HARDNESS));
    }

    /** The judged usable rows plus the failed ones of the generation (null score and hardness). */
    static Dataset<Row> withFailed(Dataset<Row> judged, Dataset<Row> generated) {
        Dataset<Row> failed = generated.filter(col(Columns.IMAGE).isNull().or(col(Columns.ERROR).isNotNull()))
                .drop(Columns.SCORE, Columns.HARDNESS);
        return judged.unionByName(failed.withColumn(Columns.SCORE, lit(null).cast("double"))
                .withColumn(Columns.HARDNESS, lit(null).cast("string")), true);
    }

    static Dataset<Row> scoreColumns(Dataset<Row> scored) {
        return scored.select(col(Columns.SAMPLE_ID), col(Columns.ROLE), col(Columns.SPLIT), col(Columns.LABEL),
                col(Columns.CLASS_NAME), col(Columns.SCORE));
    }
}
