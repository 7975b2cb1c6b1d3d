package io.kka.detect;

import io.kka.data.Columns;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted Eq. 1 detector: k-means centres and one Gaussian per cluster; scoring runs on the executors. */
public final class MahalanobisModel implements Serializable {
    private static final long serialVersionUID = 1L;
    /** the cluster column {@link #assign} appends */
    public static final String CLUSTER = "cluster";
    /** the own-cluster Eq. 1 score column {@link #assign} appends */
    public static final String MAHALANOBIS = "mahalanobis";

    private final FeatureVectors features;
    private final double[][] centres;
    private final ClusterGaussians gaussians;

    MahalanobisModel(FeatureVectors features, double[][] centres, ClusterGaussians gaussians) {
        this.features = features;
        this.centres = centres;
        this.gaussians = gaussians;
    }

    /** @return number of clusters */
    public int clusters() {
        return centres.length;
    }

    /**
     * @param rows rows with {@code image}
     * @return the rows with {@code score} = min over clusters of Eq. 1 (replacing an existing column)
     */
    public Dataset<Row> score(Dataset<Row> rows) {
        return apply(rows.drop(Columns.SCORE), false);
    }

    /**
     * @param rows rows with {@code image}
     * @return the rows with {@value #CLUSTER} (nearest k-means centre, as KMeans assigns) and
     *         {@value #MAHALANOBIS} (Eq. 1 within that cluster) appended
     */
    public Dataset<Row> assign(Dataset<Row> rows) {
        return apply(rows.drop(CLUSTER, MAHALANOBIS), true);
    }

    private Dataset<Row> apply(Dataset<Row> rows, boolean assign) {
        Dataset<Row> withFeatures = features.transform(rows);
        StructType schema = withFeatures.schema();
        int fIdx = schema.fieldIndex(DeepSadModel.FEATURES);
        Broadcast<MahalanobisModel> bc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext())
                .broadcast(this);
        JavaRDD<Row> out = withFeatures.javaRDD().map(r -> {
            MahalanobisModel m = bc.value();
            double[] z = ((Vector) r.get(fIdx)).toArray();
            Object[] v = new Object[r.length() + (assign ? 1 : 0)];
            for (int i = 0; i < r.length(); i++) {
                v[i] = r.get(i);
            }
            if (assign) {
                int k = m.nearest(z);
                v[r.length() - 1] = k;
                v[r.length()] = m.gaussians.mahalanobis(k, z);
            } else {
                v[r.length() - 1] = m.gaussians.minMahalanobis(z);
            }
            return RowFactory.create(v);
        });
        StructType base = new StructType(Arrays.stream(schema.fields()).filter(f -> !f.name().equals(
                DeepSadModel.FEATURES)).toArray(org.apache.spark.sql.types.StructField[]::new));
        StructType outSchema = assign ? base.add(CLUSTER, DataTypes.IntegerType, false)
                .add(MAHALANOBIS, DataTypes.DoubleType, false) : base.add(Columns.SCORE, DataTypes.DoubleType, false);
        // the features column is last (appended by the extractor), so it is replaced in place
        return rows.sparkSession().createDataFrame(out, outSchema);
    }

    /** @return the nearest fitted k-means centre (squared Euclidean distance, ties to the lower index) */
    int nearest(double[] z) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int k = 0; k < centres.length; k++) {
            if (!gaussians.present(k)) {
                continue;
            }
            double s = 0;
            for (int i = 0; i < z.length; i++) {
                double t = z[i] - centres[k][i];
                s += t * t;
            }
            if (s < bestD) {
                bestD = s;
                best = k;
            }
        }
        return best;
    }
}
