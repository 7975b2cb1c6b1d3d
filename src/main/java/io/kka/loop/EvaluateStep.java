package io.kka.loop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.store.Fs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 5–6 for one iteration: trains the confusion evaluator E_t on the training normals and the anomaly set
 * A_t, sets the hard threshold from the validation normals, and labels every generated row hard or easy. Writes
 * the evaluator, the scored anomaly set and generation, and the scores the report plots. The test split is scored
 * for the report only, after every decision of the iteration is made.
 */
final class EvaluateStep {
    /**
     * @param evaluator  E_t
     * @param selector   the fitted Eq. 6 threshold
     * @param valNormals validation normals that set it
     * @param anomalySet A_t, scored, with hardness
     * @param generated  G_t, scored by E_t, with hardness
     * @param set        the "anomaly_set" counts of metrics.json (added/removed filled by the caller)
     * @param evaluation the test evaluation (reporting only), or null
     */
    record Output(Evaluator evaluator, HardAnomalySelector selector, long valNormals, Dataset<Row> anomalySet,
            Dataset<Row> generated, ObjectNode set, ObjectNode evaluation) {
    }

    private EvaluateStep() {
    }

    static Output run(SparkSession spark, Stages stages, SelectionConfig selection, Inputs in, Dataset<Row> anomalySet,
            Dataset<Row> generated, long seed, String work, StageClock clock) {
        Evaluator e = clock.run("train", "training the confusion evaluator (Eq. 5)", () -> {
            Evaluator fitted = stages.fit(in.trainNormals(), anomalySet, seed);
            fitted.save(Fs.child(work, "evaluator"));
            return fitted;
        });
        return clock.run("select", "scoring and selecting hard anomalies (Eq. 6)", () -> {
            Dataset<Row> val = score(e, in.valNormals());
            HardAnomalySelector sel = HardAnomalySelector.fit(selection, val);
            Dataset<Row> set = GenerateStep.persist(spark, sel.select(score(e, anomalySet)),
                    Fs.child(work, "anomaly_set"));
            Dataset<Row> gen = GenerateStep.persist(spark, scoreUsable(e, sel, generated), Fs.child(work, "generated"));
            Dataset<Row> test = score(e, in.test());
            Dataset<Row> scores = GenerateStep.persist(spark, scoreColumns(val).unionByName(scoreColumns(test))
                    .unionByName(scoreColumns(set.withColumn(Columns.ROLE, lit(Role.GENERATED.value())))),
                    Fs.child(work, "scores"));
            long hard = set.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD)).count();
            long easy = set.filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.EASY)).count();
            ObjectNode counts = Metrics.JSON.createObjectNode();
            counts.put("size", hard + easy);
            counts.put("hard", hard);
            counts.put("easy", easy);
            counts.put("hard_fraction", Metrics.fraction(hard, easy));
            ObjectNode evaluation = Metrics.evaluation(stages.evaluate(scores.filter(
                    col(Columns.ROLE).equalTo(Role.TEST.value()))));
            return new Output(e, sel, val.count(), set, gen, counts, evaluation);
        });
    }

    /** Scores rows with {@code e}, replacing any score and hardness they carried from an earlier evaluator. */
    static Dataset<Row> score(Evaluator e, Dataset<Row> rows) {
        return e.score(rows.drop(Columns.SCORE, Columns.HARDNESS));
    }

    /** Scores the usable generated rows and keeps the failed ones (null score and hardness). */
    static Dataset<Row> scoreUsable(Evaluator e, HardAnomalySelector sel, Dataset<Row> generated) {
        Dataset<Row> usable = AnomalySetUpdater.usable(generated);
        Dataset<Row> failed = generated.filter(col(Columns.IMAGE).isNull().or(col(Columns.ERROR).isNotNull()))
                .drop(Columns.SCORE, Columns.HARDNESS);
        Dataset<Row> scored = sel.select(score(e, usable));
        return scored.unionByName(failed.withColumn(Columns.SCORE, lit(null).cast("double"))
                .withColumn(Columns.HARDNESS, lit(null).cast("string")), true);
    }

    static Dataset<Row> scoreColumns(Dataset<Row> scored) {
        return scored.select(col(Columns.SAMPLE_ID), col(Columns.ROLE), col(Columns.SPLIT), col(Columns.LABEL),
                col(Columns.CLASS_NAME), col(Columns.SCORE));
    }
}
