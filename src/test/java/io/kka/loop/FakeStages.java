package io.kka.loop;

import io.kka.detect.Detector;

import io.kka.tune.ModelRef;
import io.kka.tune.Tuner;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kka.data.Columns;
import io.kka.data.ImageCodec;
import io.kka.data.SampleSchema;
import io.kka.generate.DescriptionGenerator;
import io.kka.generate.GenerationSchemas;
import io.kka.generate.ImageRenderer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Deterministic, fast stand-ins for every stage, to test the driver's sequencing, checkpoints and resume without
 * DL4J or endpoints. The "evaluator" scores an image by its (coarse) mean-intensity distance to the normals' mean;
 * the "language model" is a level: descriptions ask for brightness levels, and the fake tuner moves the level
 * towards the normals, so later generations are harder.
 */
final class FakeStages implements Stages {
    private final SparkSession spark;
    final List<Integer> tunedAt = new ArrayList<>();

    FakeStages(SparkSession spark) {
        this.spark = spark;
    }

    @Override
    public Dataset<Row> representatives(Dataset<Row> trainNormals, Detector encoder) {
        return trainNormals.orderBy(Columns.SAMPLE_ID).limit(3);
    }

    @Override
    public Dataset<Row> prompts(Dataset<Row> reps, int t, long seed) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(RowFactory.create("p" + t + "-" + i, t, null, "describe anomalies like: a grey t-shirt",
                    new String[] {"a grey t-shirt"}, seed + i));
        }
        return spark.createDataFrame(rows, GenerationSchemas.PROMPTS);
    }

    @Override
    public ModelRef initialModel() {
        return ModelRef.name("level-0");
    }

    @Override
    public DescriptionGenerator describer(ModelRef lm) {
        int level = Integer.parseInt(lm.ref().substring("level-".length()));
        return new DescriptionGenerator() {
            @Override
            public Dataset<Row> describe(Dataset<Row> prompts) {
                return prompts.flatMap((org.apache.spark.api.java.function.FlatMapFunction<Row, Row>) p -> {
                    List<Row> out = new ArrayList<>();
                    for (int j = 0; j < 5; j++) {
                        // the fixture's trousers average ~40; tuning moves the levels towards it (harder anomalies)
                        int v = 40 + (j - 1) * Math.max(2, 16 - 6 * level);
                        // each prompt writes its own texts (a letter per prompt), as a sampling model would
                        String kind = p.getString(0).replaceAll("\\D", "").chars()
                                .mapToObj(c -> String.valueOf((char) ('a' + c - '0'))).reduce("", String::concat);
                        out.add(RowFactory.create(p.getString(0) + "-" + j, p.getString(0), p.getInt(1),
                                "an item of brightness " + v + " kind " + kind, "level-" + level, p.getLong(5),
                                RowFactory.create(1, 0, 10L, 5L, 0, false, 0.001), null));
                    }
                    return out.iterator();
                }, org.apache.spark.sql.Encoders.row(GenerationSchemas.DESCRIPTIONS));
            }

            @Override
            public String modelName() {
                return "level-" + level;
            }
        };
    }

    @Override
    public ImageRenderer renderer() {
        return new ImageRenderer() {
            @Override
            public Dataset<Row> render(Dataset<Row> d) {
                Dataset<Row> rows = d.map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
                    int v = Integer.parseInt(r.getString(3).replaceAll(".*brightness (\\d+).*", "$1"));
                    byte[] px = new byte[28 * 28];
                    java.util.Arrays.fill(px, (byte) Math.min(255, v));
                    String source = "fake:" + r.getString(0);
                    return RowFactory.create(ImageCodec.sampleId(source, px), "generated", "train", 1, null,
                            r.getString(3), new String[] {r.getString(3)},
                            ImageCodec.png(ImageCodec.fromPixels(px, 28, 28, 1)), 28, 28, 1, source, r.getInt(2),
                            r.getString(1), r.getString(4), "fake-images", r.getLong(5),
                            RowFactory.create(1, 0, 0L, 0L, 1, false, 0.01), null, null, null, null);
                }, org.apache.spark.sql.Encoders.row(SampleSchema.SCHEMA));
                return rows;
            }

            @Override
            public String modelName() {
                return "fake-images";
            }
        };
    }

    @Override
    public Detector fit(Dataset<Row> trainNormals, Dataset<Row> anomalySet, long seed) {
        var meanUdf = org.apache.spark.sql.functions.udf((byte[] png) -> mean(png), DataTypes.DoubleType);
        double mu = trainNormals.agg(org.apache.spark.sql.functions.avg(meanUdf.apply(col(Columns.IMAGE))))
                .first().getDouble(0);
        return new MeanEvaluator(mu);
    }

    @Override
    public Detector load(String uri) {
        try {
            return new MeanEvaluator(Double.parseDouble(io.kka.store.Fs.readString(uri + "/mu.txt",
                    spark.sparkContext().hadoopConfiguration())));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Tuner tuner(int iteration, long seed) {
        return in -> {
            tunedAt.add(in.iteration());
            int level = Integer.parseInt(in.current().ref().substring("level-".length()));
            return ModelRef.name("level-" + (level + 1));
        };
    }

    @Override
    public java.util.Optional<io.kka.loop.Evaluation> evaluate(Dataset<Row> scoredTest) {
        long n = scoredTest.count();
        // a simple separable statistic stands in for AUROC here: the loop only stores what it is given
        double anomalies = scoredTest.filter(col(Columns.LABEL).equalTo(1)).count();
        return java.util.Optional.of(new Evaluation(n == 0 ? 0.5 : anomalies / n, n == 0 ? 0.5 : anomalies / n, n,
                null));
    }

    static double mean(byte[] png) {
        try {
            byte[] px = ImageCodec.pixels(ImageCodec.decode(png, "x"));
            double s = 0;
            for (byte b : px) {
                s += b & 0xff;
            }
            return s / px.length;
        } catch (io.kka.data.BadRecordException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Scores by squared distance of the mean intensity to the normals' mean intensity. */
    static final class MeanEvaluator implements Detector, java.io.Serializable {
        private final double mu;

        MeanEvaluator(double mu) {
            this.mu = mu;
        }

        @Override
        public Dataset<Row> score(Dataset<Row> samples) {
            double m = mu;
            // coarse distance plus a seeded jitter in [0, 0.5): near-normal images can fall below the threshold
            var f = org.apache.spark.sql.functions.udf((byte[] png, String id) -> Math.pow((mean(png) - m) / 20, 2)
                    + 0.5 * io.kka.data.SplitHash.unit(id, 3L, "jitter"), DataTypes.DoubleType);
            return samples.withColumn(Columns.SCORE, f.apply(col(Columns.IMAGE), col(Columns.SAMPLE_ID)));
        }

        @Override
        public Dataset<Row> embed(Dataset<Row> samples) {
            var f = org.apache.spark.sql.functions.udf((byte[] png) -> Vectors.dense(mean(png), mean(png) * 0.5 + 1,
                    Math.sqrt(mean(png))), new org.apache.spark.ml.linalg.VectorUDT());
            return samples.withColumn("features", f.apply(col(Columns.IMAGE)));
        }

        @Override
        public String kind() {
            return "test-mean";
        }

        @Override
        public io.kka.detect.DeepSadModel encoder() {
            throw new UnsupportedOperationException("the mean-intensity fake has no encoder");
        }

        @Override
        public void writeTo(String dir, org.apache.hadoop.conf.Configuration conf) {
            io.kka.store.Fs.writeString(dir + "/mu.txt", Double.toString(mu), conf);
        }

        @Override
        public String describe() {
            return "mean-intensity(" + mu + ")";
        }
    }

    static Dataset<Row> noop(Dataset<Row> df) {
        return df.withColumn("x", lit(1));
    }
}
