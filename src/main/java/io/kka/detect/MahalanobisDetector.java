package io.kka.detect;

import static org.apache.spark.sql.functions.col;

import io.kka.config.RepresentativesConfig;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import java.util.List;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eq. 1 as a detector (on pixels, the "Mahalanobis on pixels" baseline; on φ with features: encoder): features of the training normals, K clusters with Spark MLlib's
 * seeded KMeans, per cluster the mean and a shrunk covariance aggregated on the executors; a row's score is the
 * minimum over clusters of (z − μ_k)ᵀ Σ_k⁻¹ (z − μ_k).
 */
public final class MahalanobisDetector {
    /** the largest feature dimension: the aggregation holds K·d² doubles */
    static final int MAX_DIM = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MahalanobisDetector.class);
    private static final String CLUSTER = "_cluster";

    private final RepresentativesConfig cfg;
    private final long seed;

    private MahalanobisDetector(RepresentativesConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    /**
     * @param cfg  k, features, pixel_size, shrinkage, max_iterations
     * @param seed k-means seed
     * @return the detector
     */
    public static MahalanobisDetector of(RepresentativesConfig cfg, long seed) {
        return new MahalanobisDetector(cfg, seed);
    }

    /**
     * @param normals training normals with {@code image}
     * @param encoder the model whose φ gives the features (required with {@code features: encoder}), or null
     * @return the fitted model
     * @throws InvalidInputException for no rows or a feature dimension above {@value #MAX_DIM}
     */
    public MahalanobisModel fit(Dataset<Row> normals, DeepSadModel encoder) {
        FeatureVectors fv = FeatureVectors.of(cfg, encoder);
        // KMeans (its k-means|| seeding samples per partition) depends on row order and partitioning: put the
        // vectors in an order fixed by sample_id alone (hash partitions, sorted within), so that the same normals
        // give the same clusters however they were ingested, cached or read back
        Dataset<Row> vectors = fv.transform(normals);
        if (java.util.Arrays.asList(vectors.columns()).contains(Columns.SAMPLE_ID)) {
            vectors = vectors.select(col(Columns.SAMPLE_ID), col(DeepSadModel.FEATURES))
                    .repartition(normals.sparkSession().sparkContext().defaultParallelism(), col(Columns.SAMPLE_ID))
                    .sortWithinPartitions(Columns.SAMPLE_ID);
        }
        Dataset<Row> feats = vectors.select(DeepSadModel.FEATURES).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Row> first = feats.limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new InvalidInputException("the Mahalanobis detector needs training normals; none given");
            }
            int d = ((Vector) first.get(0).get(0)).size();
            if (d > MAX_DIM) {
                throw new InvalidInputException("features have " + d + " dimensions; at most " + MAX_DIM
                        + " are supported (lower representatives.pixel_size)");
            }
            double[][] centres;
            Dataset<Row> assigned;
            if (cfg.k() == 1) {
                // one Gaussian: its centre is the mean (MLlib's KMeans needs k >= 2)
                Row mean = feats.select(org.apache.spark.ml.stat.Summarizer.mean(
                        org.apache.spark.sql.functions.col(DeepSadModel.FEATURES))).first();
                centres = new double[][] {((Vector) mean.get(0)).toArray()};
                assigned = feats.select(org.apache.spark.sql.functions.lit(0).as(CLUSTER),
                        org.apache.spark.sql.functions.col(DeepSadModel.FEATURES));
            } else {
                KMeansModel km = new KMeans().setK(cfg.k()).setSeed(seed).setMaxIter(cfg.maxIterations())
                        .setFeaturesCol(DeepSadModel.FEATURES).setPredictionCol(CLUSTER).fit(feats);
                Vector[] c = km.clusterCenters();
                centres = new double[c.length][];
                for (int k = 0; k < c.length; k++) {
                    centres[k] = c[k].toArray();
                }
                assigned = km.transform(feats).select(CLUSTER, DeepSadModel.FEATURES);
            }
            ClusterMoments moments = assigned.javaRDD().treeAggregate(new ClusterMoments(centres),
                    (m, r) -> m.add(r.getInt(0), ((Vector) r.get(1)).toArray()), ClusterMoments::merge);
            ClusterGaussians g = moments.gaussians(cfg.shrinkage());
            LOG.info("Mahalanobis detector: {} clusters of {} features ({}), shrinkage {}", centres.length, d,
                    fv.describe(), cfg.shrinkage());
            return new MahalanobisModel(fv, centres, g);
        } finally {
            feats.unpersist(false);
        }
    }
}
