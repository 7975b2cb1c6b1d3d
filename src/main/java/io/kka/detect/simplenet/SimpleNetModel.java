package io.kka.detect.simplenet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ConfigBinder;
import io.kka.config.EvaluatorConfig;
import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.detect.DeepSadModel;
import io.kka.detect.Detector;
import io.kka.store.Fs;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained SimpleNet detector: the encoder φ, the standardisation of its features, the feature adaptor and the
 * discriminator. Score = −D(A·z + b) (SimpleNet's image score is the negated discriminator logit; higher = more
 * anomalous), computed on the executors. Image level only: the encoder gives one vector per image, so there are no
 * patch scores and no anomaly maps. Saved as {@value #META} beside the encoder's directory {@code encoder/}.
 */
public final class SimpleNetModel implements Detector, Serializable {
    private static final long serialVersionUID = 1L;
    /** the file of the trained head */
    static final String META = "simplenet.json";
    /** the encoder's subdirectory */
    static final String ENCODER = "encoder";
    private static final String FORMAT = "kka-simplenet/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeepSadModel encoder;
    private final Scorer scorer;
    private final double noiseStd;
    private final double margin;
    private final List<Double> losses;

    /** What the executors need to score an encoder feature vector. */
    private record Scorer(FeatureScale scale, SimpleNetHead head) implements Serializable {
        double[] adapt(double[] phi) {
            return head.adapt(scale.apply(phi));
        }
    }

    SimpleNetModel(DeepSadModel encoder, FeatureScale scale, SimpleNetHead head, double noiseStd, double margin,
            List<Double> losses) {
        this.encoder = encoder;
        this.scorer = new Scorer(scale, head.copy());
        this.noiseStd = noiseStd;
        this.margin = margin;
        this.losses = List.copyOf(losses);
    }

    @Override
    public String kind() {
        return ConfigBinder.Names.wire(EvaluatorConfig.Kind.SIMPLENET);
    }

    /** @return the pretrained encoder whose φ(x) the adaptor takes */
    @Override
    public DeepSadModel encoder() {
        return encoder;
    }

    /** @return the trained adaptor and discriminator */
    SimpleNetHead head() {
        return scorer.head();
    }

    /** @return the standardisation of the encoder's features */
    FeatureScale scale() {
        return scorer.scale();
    }

    /** @return the mean training loss of each epoch */
    public List<Double> trainingLosses() {
        return losses;
    }

    @Override
    public String describe() {
        SimpleNetHead h = scorer.head();
        return "SimpleNet (adaptor " + h.d + "→" + h.d + ", discriminator " + h.d + "-" + h.h + "-1, noise σ "
                + noiseStd + ") on encoder φ (" + encoder.architecture() + ", " + encoder.repDim() + ")";
    }

    /**
     * @param rows rows with {@code image}
     * @return the rows with {@code score} = −logit appended (replacing an existing column)
     */
    @Override
    public Dataset<Row> score(Dataset<Row> rows) {
        return apply(rows.drop(Columns.SCORE), true);
    }

    /**
     * @param rows rows with {@code image}
     * @return the rows with the adapted features A·z + b as {@value DeepSadModel#FEATURES}
     */
    @Override
    public Dataset<Row> embed(Dataset<Row> rows) {
        return apply(rows, false);
    }

    private Dataset<Row> apply(Dataset<Row> rows, boolean score) {
        Dataset<Row> phi = encoder.embed(rows);
        StructType schema = phi.schema();
        int f = schema.fieldIndex(DeepSadModel.FEATURES);
        Broadcast<Scorer> bc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext())
                .broadcast(scorer);
        JavaRDD<Row> out = phi.javaRDD().map(r -> {
            Scorer s = bc.value();
            double[] u = s.adapt(((Vector) r.get(f)).toArray());
            Object[] v = new Object[r.length()];
            for (int i = 0; i < r.length(); i++) {
                v[i] = r.get(i);
            }
            v[f] = score ? (Object) (-s.head().logit(u)) : Vectors.dense(u);
            return RowFactory.create(v);
        });
        StructField[] fields = schema.fields().clone();
        fields[f] = score ? new StructField(Columns.SCORE, DataTypes.DoubleType, false,
                org.apache.spark.sql.types.Metadata.empty()) : fields[f];
        return rows.sparkSession().createDataFrame(out, new StructType(fields));
    }

    /**
     * Writes {@value #META} (standardisation, adaptor, discriminator, losses) and the encoder into
     * {@code encoder/}.
     */
    @Override
    public void writeTo(String dir, Configuration conf) throws IOException {
        encoder.writeTo(Fs.child(dir, ENCODER), conf);
        SimpleNetHead h = scorer.head();
        double[] p = h.params;
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT).put("features", h.d).put("hidden", h.h).put("noise_std", noiseStd)
                .put("margin", margin);
        m.set("feature_mean", JSON.valueToTree(scorer.scale().mean()));
        m.put("feature_scale", scorer.scale().scale());
        m.set("adaptor_weight", JSON.valueToTree(Arrays.copyOfRange(p, 0, h.d * h.d)));
        m.set("adaptor_bias", JSON.valueToTree(Arrays.copyOfRange(p, h.bias(), h.bias() + h.d)));
        m.set("hidden_weight", JSON.valueToTree(Arrays.copyOfRange(p, h.w1(), h.w1() + h.h * h.d)));
        m.set("bn_gamma", JSON.valueToTree(Arrays.copyOfRange(p, h.gamma(), h.gamma() + h.h)));
        m.set("bn_beta", JSON.valueToTree(Arrays.copyOfRange(p, h.beta(), h.beta() + h.h)));
        m.set("bn_running_mean", JSON.valueToTree(h.runMean));
        m.set("bn_running_var", JSON.valueToTree(h.runVar));
        m.set("output_weight", JSON.valueToTree(Arrays.copyOfRange(p, h.w2(), h.w2() + h.h)));
        m.set("training_losses", JSON.valueToTree(losses));
        Fs.writeString(Fs.child(dir, META), JSON.writeValueAsString(m) + "\n", conf);
    }

    /**
     * @param dir   a directory written by {@link #writeTo}
     * @param spark the session
     * @return the model
     * @throws InvalidInputException if {@value #META} is missing, of another format or inconsistent
     */
    static SimpleNetModel read(String dir, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String meta = Fs.child(dir, META);
        try {
            JsonNode m = JSON.readTree(Fs.readString(meta, conf));
            if (!FORMAT.equals(m.path("format").asText())) {
                throw new InvalidInputException(meta + ": unknown format '" + m.path("format").asText() + "'");
            }
            int d = m.path("features").asInt();
            int h = m.path("hidden").asInt();
            double[] p = new double[SimpleNetHead.size(d, h)];
            SimpleNetHead head = new SimpleNetHead(d, h, p, doubles(m, "bn_running_mean", h, meta),
                    doubles(m, "bn_running_var", h, meta));
            put(p, 0, doubles(m, "adaptor_weight", d * d, meta));
            put(p, head.bias(), doubles(m, "adaptor_bias", d, meta));
            put(p, head.w1(), doubles(m, "hidden_weight", h * d, meta));
            put(p, head.gamma(), doubles(m, "bn_gamma", h, meta));
            put(p, head.beta(), doubles(m, "bn_beta", h, meta));
            put(p, head.w2(), doubles(m, "output_weight", h, meta));
            FeatureScale scale = new FeatureScale(doubles(m, "feature_mean", d, meta),
                    m.path("feature_scale").asDouble());
            List<Double> losses = new ArrayList<>();
            m.path("training_losses").forEach(l -> losses.add(l.asDouble()));
            DeepSadModel encoder = DeepSadModel.load(Fs.child(dir, ENCODER), spark);
            if (encoder.repDim() != d) {
                throw new InvalidInputException(meta + ": features " + d + " but the encoder gives "
                        + encoder.repDim());
            }
            return new SimpleNetModel(encoder, scale, head, m.path("noise_std").asDouble(),
                    m.path("margin").asDouble(), losses);
        } catch (FileNotFoundException e) {
            throw new InvalidInputException("no SimpleNet detector at " + dir + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidInputException(meta + ": " + e.getMessage());
        }
    }

    private static double[] doubles(JsonNode m, String key, int n, String meta) {
        JsonNode a = m.get(key);
        if (a == null || !a.isArray() || a.size() != n) {
            throw new InvalidInputException(meta + ": " + key + " must be an array of " + n + " numbers");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static void put(double[] into, int at, double[] values) {
        System.arraycopy(values, 0, into, at, values.length);
    }
}
