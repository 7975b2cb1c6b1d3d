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

/**
 * A fitted Eq. 1 detector: k-means centres and one Gaussian per cluster; scoring runs on the executors. As the
 * mahalanobis {@link Detector} its features are an encoder's φ(x); saved as {@value #META} (centres, means, Cholesky
 * factors, counts) beside the encoder's directory.
 */
public final class MahalanobisModel implements Detector, Serializable {
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

    /** the file of the fitted Gaussians */
    static final String META = "mahalanobis.json";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public String kind() {
        return io.kka.config.ConfigBinder.Names.wire(io.kka.config.EvaluatorConfig.Kind.MAHALANOBIS);
    }

    /** @return the rows with the features the Gaussians are fitted on ({@value DeepSadModel#FEATURES}) */
    @Override
    public Dataset<Row> embed(Dataset<Row> rows) {
        return features.transform(rows);
    }

    /** @return the encoder whose φ(x) are the features, or null for pixel features */
    @Override
    public DeepSadModel encoder() {
        return features.encoder();
    }

    @Override
    public String describe() {
        return "Mahalanobis (" + clusters() + (clusters() == 1 ? " Gaussian" : " clusters") + ") on "
                + features.describe();
    }

    /**
     * Writes {@value #META} and the encoder into {@code encoder/}.
     *
     * @throws IllegalStateException for pixel features (only the encoder form is a saved detector)
     */
    @Override
    public void writeTo(String dir, org.apache.hadoop.conf.Configuration conf) throws java.io.IOException {
        if (features.encoder() == null) {
            throw new IllegalStateException("a Mahalanobis model on pixels is not saved as a detector");
        }
        features.encoder().writeTo(io.kka.store.Fs.child(dir, "encoder"), conf);
        var m = JSON.createObjectNode();
        m.put("format", "kka-mahalanobis/1");
        m.set("centres", JSON.valueToTree(centres));
        m.set("means", JSON.valueToTree(gaussians.means()));
        m.set("chol", JSON.valueToTree(gaussians.chol()));
        m.set("counts", JSON.valueToTree(gaussians.counts()));
        io.kka.store.Fs.writeString(io.kka.store.Fs.child(dir, META), JSON.writeValueAsString(m) + "\n", conf);
    }

    /**
     * @param dir   a directory written by {@link #writeTo}
     * @param spark the session
     * @return the model
     * @throws io.kka.data.InvalidInputException if {@value #META} is missing or malformed
     */
    static MahalanobisModel read(String dir, org.apache.spark.sql.SparkSession spark) {
        var conf = spark.sparkContext().hadoopConfiguration();
        String meta = io.kka.store.Fs.child(dir, META);
        try {
            var m = JSON.readTree(io.kka.store.Fs.readString(meta, conf));
            if (!"kka-mahalanobis/1".equals(m.path("format").asText())) {
                throw new io.kka.data.InvalidInputException(meta + ": unknown format '" + m.path("format").asText()
                        + "'");
            }
            DeepSadModel encoder = DeepSadModel.load(io.kka.store.Fs.child(dir, "encoder"), spark);
            double[][] centres = JSON.treeToValue(m.get("centres"), double[][].class);
            ClusterGaussians g = new ClusterGaussians(JSON.treeToValue(m.get("means"), double[][].class),
                    JSON.treeToValue(m.get("chol"), double[][].class), JSON.treeToValue(m.get("counts"), long[].class));
            if (centres == null || g.means() == null || g.chol() == null || g.counts() == null
                    || g.means().length != centres.length) {
                throw new io.kka.data.InvalidInputException(meta + ": centres, means, chol and counts must all be"
                        + " present, one per cluster");
            }
            return new MahalanobisModel(FeatureVectors.ofEncoder(encoder), centres, g);
        } catch (java.io.FileNotFoundException e) {
            throw new io.kka.data.InvalidInputException("no Mahalanobis detector at " + dir + " (" + e.getMessage()
                    + ")");
        } catch (java.io.IOException e) {
            throw new io.kka.data.InvalidInputException(meta + ": " + e.getMessage());
        }
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
