package io.kka.loop;

import io.kka.detect.Detector;

import static org.apache.spark.sql.functions.col;

import io.kka.config.SelectionConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.store.Fs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * E_{-1}, the "No anomalies" baseline: the evaluator trained on the training normals alone (Deep SVDD for the
 * Deep SAD evaluator), with its Eq. 6 threshold from the validation normals. It is the held-out judge of the first
 * generation G_0 (no other evaluator exists that has not trained on it), and its test AUROC is the baseline row of
 * the run's summary (report only; its test scores are in {@code iterations/000/baseline_scores}). Trained once, in
 * iteration 0, with the same budget and seed as every E_t.
 */
final class BaselineStep {
    /**
     * @param judge   the baseline as a judge
     * @param metrics the "baseline" object of iteration 0's metrics.json
     */
    record Output(Judge judge, IterationMetrics.Baseline metrics) {
    }

    private BaselineStep() {
    }

    static Output run(IterationContext ctx) {
        SparkSession spark = ctx.spark();
        Stages stages = ctx.stages();
        SelectionConfig selection = ctx.cfg().selection();
        Inputs in = ctx.in();
        long seed = ctx.seed();
        String work = ctx.work();
        StageClock clock = ctx.clock();
        Detector e = clock.run("baseline", "training the No-anomalies baseline E_-1 (normals only)", () -> {
            Dataset<Row> none = in.trainNormals().limit(0);
            Detector fitted = stages.fit(in.trainNormals(), none, seed);
            fitted.save(Fs.child(work, "baseline"), true, spark.sparkContext().hadoopConfiguration());
            return fitted;
        });
        return clock.run("baseline-select", "threshold of the baseline (Eq. 6)", () -> {
            Dataset<Row> val = EvaluateStep.score(e, in.valNormals()).cache();
            HardAnomalySelector sel = HardAnomalySelector.fit(selection, val);
            IterationMetrics.Threshold threshold = IterationMetrics.Threshold.of(selection, sel, val.count());
            val.unpersist();
            // written once: the evaluation reads the scores several times
            Dataset<Row> test = GenerateStep.persist(spark, EvaluateStep.scoreColumns(EvaluateStep.score(e,
                    in.test())), Fs.child(work, "baseline_scores"));
            IterationMetrics.Baseline m = new IterationMetrics.Baseline(e.describe() + " trained on the normals only",
                    threshold, stages.evaluate(test.filter(col(Columns.ROLE).equalTo(Role.TEST.value()))).orElse(null));
            return new Output(new Judge(e, sel, Judge.BASELINE), m);
        });
    }
}
