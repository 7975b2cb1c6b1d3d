package io.kka.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.kka.config.RepresentativesConfig;
import io.kka.data.Columns;
import io.kka.data.SampleSchema;
import io.kka.detect.DeepSadModel;
import io.kka.detect.MahalanobisDetector;
import io.kka.detect.MahalanobisModel;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Eq. 2: the K training normals that best represent the normal distribution. The normals' feature vectors are
 * clustered (Spark MLlib KMeans, seeded) and, within each cluster, the sample with the lowest Eq. 1 score
 * (z − μ_k)ᵀ Σ_k⁻¹ (z − μ_k) is kept. Everything stays distributed: a per-cluster minimum (ties broken by
 * {@code sample_id}) joined back to the rows; only the K winners ever reach the driver. Their captions become the
 * prompt's examples.
 */
public final class Representatives {
    private final RepresentativesConfig cfg;
    private final long seed;

    private Representatives(RepresentativesConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    /**
     * @param cfg  k, features, pixel_size, shrinkage, max_iterations
     * @param seed k-means seed
     * @return the stage
     */
    public static Representatives of(RepresentativesConfig cfg, long seed) {
        return new Representatives(cfg, seed);
    }

    /** Selects with pixel features (or when no evaluator exists yet). */
    public Dataset<Row> select(Dataset<Row> trainNormals) {
        return select(trainNormals, null);
    }

    /**
     * @param trainNormals training normals with {@code sample_id} and {@code image} (captions are carried along)
     * @param encoder      the evaluator, whose φ gives the features when {@code features: encoder}; may be null
     * @return one row per non-empty cluster: the input columns plus {@code cluster} and {@code mahalanobis},
     *         ordered by cluster
     */
    public Dataset<Row> select(Dataset<Row> trainNormals, DeepSadModel encoder) {
        SampleSchema.require(trainNormals, Columns.SAMPLE_ID, Columns.IMAGE);
        MahalanobisModel model = MahalanobisDetector.of(cfg, seed).fit(trainNormals, encoder);
        Dataset<Row> assigned = model.assign(trainNormals).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> best = assigned.groupBy(col(MahalanobisModel.CLUSTER))
                    .agg(min(struct(col(MahalanobisModel.MAHALANOBIS), col(Columns.SAMPLE_ID))).as("best"))
                    .select(col("best." + Columns.SAMPLE_ID).as("_winner"));
            Dataset<Row> winners = assigned.join(functions.broadcast(best),
                            assigned.col(Columns.SAMPLE_ID).equalTo(best.col("_winner")))
                    .drop("_winner").dropDuplicates(Columns.SAMPLE_ID).orderBy(MahalanobisModel.CLUSTER);
            // K rows: materialise them so the cached assignment can be released
            List<Row> rows = winners.collectAsList();
            return trainNormals.sparkSession().createDataFrame(rows, winners.schema());
        } finally {
            assigned.unpersist(false);
        }
    }
}
