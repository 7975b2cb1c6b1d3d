package io.kka.detect;

import io.kka.config.EvaluatorConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import io.kka.store.Fs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained Deep SAD (or Deep SVDD) detector: the encoder φ and the centre c. Score = ‖φ(x) − c‖², higher is
 * more anomalous. Immutable and serialisable; scoring and embedding run on the executors.
 */
public final class DeepSadModel implements Detector, Serializable {
    private static final long serialVersionUID = 1L;
    /** the column {@link #embed} appends */
    public static final String FEATURES = "features";
    /** the file holding centre, input shape and training losses */
    static final String META = "deepsad.json";
    private static final String FORMAT = "kka-deepsad/1";
    private static final int MAX_PARTITIONS_PER_CORE = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NetSnapshot snapshot;
    private final double[] center;
    private final int imageSize;
    private final int channels;
    private final String architecture;
    private final List<Double> losses;

    /**
     * A model of a trained network (no training history).
     *
     * @param net          the trained Deep SAD network (copied)
     * @param center       the centre c
     * @param imageSize    the side of the square input images
     * @param channels     their channels
     * @param architecture the encoder's name
     * @return the model
     */
    public static DeepSadModel of(MultiLayerNetwork net, double[] center, int imageSize, int channels,
            String architecture) {
        return new DeepSadModel(NetSnapshot.of(net), center, imageSize, channels, architecture, List.of());
    }

    DeepSadModel(NetSnapshot snapshot, double[] center, int imageSize, int channels, String architecture,
            List<Double> losses) {
        this.snapshot = snapshot;
        this.center = center.clone();
        this.imageSize = imageSize;
        this.channels = channels;
        this.architecture = architecture;
        this.losses = List.copyOf(losses);
    }

    /** @return the mean training loss of each Deep SAD epoch (empty for a loaded model trained elsewhere) */
    public List<Double> trainingLosses() {
        return losses;
    }

    NetSnapshot snapshot() {
        return snapshot;
    }

    /** @return a copy of the centre c */
    public double[] center() {
        return center.clone();
    }

    /** @return the representation size */
    public int repDim() {
        return center.length;
    }

    /** @return input side in pixels */
    public int imageSize() {
        return imageSize;
    }

    /** @return input channels */
    public int channels() {
        return channels;
    }

    /** @return the encoder architecture, e.g. lenet28 */
    public String architecture() {
        return architecture;
    }

    /** @return a fresh copy of the network (driver-side use: benchmarks, inspection) */
    public MultiLayerNetwork network() {
        return snapshot.rebuild();
    }

    static double squaredDistance(double[] z, double[] c) {
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            double d = z[i] - c[i];
            s += d * d;
        }
        return s;
    }

    /**
     * Scores on the executors.
     *
     * @param rows rows with an {@code image} column (PNG at the model's input shape); {@code sample_id} is kept
     * @return the rows (same partitions) with a non-null double {@code score} appended, replacing any existing
     *         {@code score} column
     */
    public Dataset<Row> score(Dataset<Row> rows) {
        return apply(rows, Columns.SCORE, EmbedRows.Mode.SCORE);
    }

    /**
     * Embeds on the executors (for Eq. 1–2 features and the latent map).
     *
     * @param rows rows with an {@code image} column
     * @return the rows with φ(x) appended as an ml Vector column {@value #FEATURES} (replacing an existing one)
     */
    public Dataset<Row> embed(Dataset<Row> rows) {
        return apply(rows, FEATURES, EmbedRows.Mode.FEATURES);
    }

    private Dataset<Row> apply(Dataset<Row> rows, String column, EmbedRows.Mode mode) {
        Dataset<Row> in = rows.drop(column);
        SampleSchema.require(in, Columns.IMAGE);
        SparkSession spark = in.sparkSession();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // the network is rebuilt once per partition (~0.1-0.3 s): merge many small partitions (e.g. the 200 of a
        // shuffle) without a shuffle; more than a few partitions per core buys no parallelism
        int most = MAX_PARTITIONS_PER_CORE * sc.defaultParallelism();
        if (in.rdd().getNumPartitions() > most) {
            in = in.coalesce(most);
        }
        var bc = sc.broadcast(this);
        String[] cols = in.columns();
        JavaRDD<Row> out = in.javaRDD().mapPartitions(new EmbedRows(bc, mode, EmbedRows.indexOf(cols, Columns.IMAGE),
                EmbedRows.indexOf(cols, Columns.SAMPLE_ID), ThreadLimit.resolve(0, sc)));
        return spark.createDataFrame(out, in.schema().add(column,
                mode == EmbedRows.Mode.SCORE ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false));
    }

    @Override
    public String kind() {
        return io.kka.config.ConfigBinder.Names.wire(io.kka.config.EvaluatorConfig.Kind.DEEP_SAD);
    }

    /** @return this model: its φ is the encoder */
    @Override
    public DeepSadModel encoder() {
        return this;
    }

    @Override
    public String describe() {
        return "Deep SAD (" + architecture + ", rep " + repDim() + ")";
    }

    /** Saves to a new directory (fails if it exists); see {@link Detectors#save}. */
    public void save(String uri, SparkSession spark) {
        save(uri, false, spark.sparkContext().hadoopConfiguration());
    }

    /**
     * Writes {@code model.zip} (DL4J's format, loadable by ModelSerializer) and {@value #META} (centre, input shape,
     * training losses).
     */
    @Override
    public void writeTo(String dir, Configuration conf) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(snapshot.rebuild(), zip, false);
        Fs.writeBytes(Fs.child(dir, "model.zip"), zip.toByteArray(), conf);
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", FORMAT).put("architecture", architecture).put("image_size", imageSize)
                .put("channels", channels);
        var c = meta.putArray("center");
        for (double v : center) {
            c.add(v);
        }
        var l = meta.putArray("training_losses");
        losses.forEach(l::add);
        Fs.writeString(Fs.child(dir, META), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta), conf);
    }

    /**
     * @param uri   a directory written by {@link #save}
     * @param spark the session (for its Hadoop configuration)
     * @return the model
     * @throws InvalidInputException if the directory is missing or not a Deep SAD model
     */
    public static DeepSadModel load(String uri, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            JsonNode meta = JSON.readTree(Fs.readString(Fs.child(uri, META), conf));
            if (!FORMAT.equals(meta.path("format").asText())) {
                throw new InvalidInputException(uri + "/deepsad.json: unknown format '"
                        + meta.path("format").asText() + "', expected " + FORMAT);
            }
            double[] c = new double[meta.get("center").size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = meta.get("center").get(i).asDouble();
            }
            List<Double> losses = new ArrayList<>();
            meta.path("training_losses").forEach(n -> losses.add(n.asDouble()));
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(
                    new ByteArrayInputStream(Fs.readBytes(Fs.child(uri, "model.zip"), conf)), false);
            return new DeepSadModel(NetSnapshot.of(net), c, meta.get("image_size").asInt(),
                    meta.get("channels").asInt(), meta.get("architecture").asText(), losses);
        } catch (java.io.FileNotFoundException e) {
            throw new InvalidInputException("no Deep SAD model at " + uri + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model from " + uri, e);
        }
    }
}
