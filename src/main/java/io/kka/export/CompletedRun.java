package io.kka.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.kka.config.ConfigLoader;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.Role;
import io.kka.data.Split;
import io.kka.loop.AnomalySetUpdater;
import io.kka.loop.Checkpoints;
import io.kka.loop.HardAnomalySelector;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * A run directory whose last iteration T ({@code run.iterations} of its config.yaml, the iteration the final
 * detector is trained after) is committed: its training normals and its anomalies, as frames with the
 * {@link Manifest} fields (less the path) and the PNG bytes.
 *
 * <p>The anomalies are the final anomaly set A_T ({@code iterations/T/anomaly_set}), scored by E_T in sample (E_T
 * trained on them: hard means E_T still confuses them); optionally also every iteration t's hard anomalies
 * ({@code iterations/t/generated}, usable rows judged hard by that iteration's held-out judge: the No-anomalies
 * baseline at t = 0, E_{t-1} after). A sample id is exported once: a member of A_T keeps A_T's row, else the earliest
 * iteration's.
 */
public final class CompletedRun {
    private final RunLayout layout;
    private final int finalIteration;

    private CompletedRun(RunLayout layout, int finalIteration) {
        this.layout = layout;
        this.finalIteration = finalIteration;
    }

    /**
     * @param layout the run directory
     * @param conf   Hadoop configuration
     * @return the run
     * @throws InvalidInputException if the directory does not exist, is not a KKA run directory (no config.yaml),
     *                               its last iteration is not committed or it has no samples table
     */
    public static CompletedRun open(RunLayout layout, Configuration conf) {
        String root = layout.root();
        if (!Fs.exists(root, conf)) {
            throw new InvalidInputException("run directory " + root + " does not exist");
        }
        if (!Fs.exists(layout.config(), conf)) {
            throw new InvalidInputException(root + " is not a KKA run directory (it has no config.yaml, which"
                    + " `kka run` writes first)");
        }
        int last;
        try {
            last = ConfigLoader.parse(Fs.readString(layout.config(), conf), layout.config(), List.of()).run()
                    .iterations();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + layout.config(), e);
        }
        int committed = Checkpoints.of(layout, conf).lastComplete();
        if (committed < last) {
            throw new InvalidInputException("run " + root + " is not complete: its final iteration " + last
                    + " (run.iterations) is not committed (last committed: " + (committed < 0 ? "none" : committed)
                    + "); finish it with `kka run CONFIG --resume` before exporting");
        }
        if (!Fs.exists(layout.samples(), conf)) {
            throw new InvalidInputException("run " + root + " has no samples table (" + layout.samples() + ")");
        }
        return new CompletedRun(layout, last);
    }

    /** @return the run directory */
    public RunLayout layout() {
        return layout;
    }

    /** @return T, the iteration whose anomaly set is final */
    public int finalIteration() {
        return finalIteration;
    }

    /**
     * @param spark the session
     * @return the training normals (role normal, split train) with the export fields and the image
     */
    public Dataset<Row> trainNormals(SparkSession spark) {
        Dataset<Row> samples = io.kka.data.SampleImages.resolve(spark.read().parquet(layout.samples()));
        return samples.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                        .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value())))
                .select(col(Columns.SAMPLE_ID).as(Manifest.SAMPLE_ID), lit(Manifest.NORMAL).as(Manifest.ROLE),
                        col(Columns.CLASS_NAME).as(Manifest.CLASS_NAME), col(Columns.CAPTION).as(Manifest.CAPTION),
                        lit(null).cast("int").as(Manifest.ITERATION), lit(null).cast("string").as(Manifest.HARDNESS),
                        lit(null).cast("double").as(Manifest.SCORE), lit(false).as(Manifest.IN_FINAL_SET),
                        lit(null).cast("string").as(Manifest.JUDGED_BY), col(Columns.IMAGE));
    }

    /**
     * @param spark         the session
     * @param allIterations also every iteration's hard anomalies
     * @return the anomalies with the export fields and the image, one row per sample id
     */
    public Dataset<Row> anomalies(SparkSession spark, boolean allIterations) {
        Dataset<Row> out = anomalyFields(AnomalySetUpdater.usable(spark.read().parquet(
                layout.iteration(finalIteration, "anomaly_set"))), true, "E_" + finalIteration);
        if (allIterations) {
            for (int t = 0; t <= finalIteration; t++) {
                Dataset<Row> hard = AnomalySetUpdater.usable(spark.read().parquet(layout.iteration(t, "generated")))
                        .filter(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD));
                // the judge of G_t, as the loop names it (Judge): the baseline E_-1 at t = 0, else E_{t-1}
                out = out.unionByName(anomalyFields(hard, false, t == 0 ? "baseline" : "E_" + (t - 1)));
            }
        }
        Column order = col(Manifest.IN_FINAL_SET).desc();
        return out.withColumn("_n", row_number().over(Window.partitionBy(col(Manifest.SAMPLE_ID)).orderBy(order,
                        col(Manifest.ITERATION).asc_nulls_last(), col(Manifest.SCORE).asc_nulls_last(),
                        col(Manifest.CAPTION).asc_nulls_last())))
                .filter(col("_n").equalTo(1)).drop("_n");
    }

    private static Dataset<Row> anomalyFields(Dataset<Row> rows, boolean inFinalSet, String judge) {
        return rows.select(col(Columns.SAMPLE_ID).as(Manifest.SAMPLE_ID), lit(Manifest.ANOMALY).as(Manifest.ROLE),
                col(Columns.CLASS_NAME).as(Manifest.CLASS_NAME), col(Columns.CAPTION).as(Manifest.CAPTION),
                col(Columns.ITERATION).cast("int").as(Manifest.ITERATION),
                col(Columns.HARDNESS).as(Manifest.HARDNESS), col(Columns.SCORE).cast("double").as(Manifest.SCORE),
                lit(inFinalSet).as(Manifest.IN_FINAL_SET), lit(judge).as(Manifest.JUDGED_BY), col(Columns.IMAGE));
    }
}
