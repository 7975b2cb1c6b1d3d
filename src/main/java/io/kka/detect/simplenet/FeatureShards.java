package io.kka.detect.simplenet;

import static org.apache.spark.sql.functions.col;

import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import io.kka.detect.DeepSadModel;
import io.kka.detect.SadLabel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The training rows as encoder features, computed and kept on the executors: one {@link Shard} per training worker
 * (hash-partitioned by sample id and sorted, so that a worker's rows and their order do not depend on how the input
 * was partitioned), and the {@link FeatureScale} of the normals, aggregated per shard.
 */
final class FeatureShards {
    private FeatureShards() {
    }

    /**
     * One worker's rows.
     *
     * @param x       encoder features φ(x), one row each
     * @param anomaly whether the row is a labelled anomaly (sad_label −1)
     */
    record Shard(double[][] x, boolean[] anomaly) implements Serializable {
        /** @return rows */
        int size() {
            return x.length;
        }
    }

    /**
     * Embeds on the executors and caches one shard per partition (the caller unpersists).
     *
     * @param train   rows with {@code image} and {@code sad_label} ({@code sample_id} keys the partitioning)
     * @param encoder the encoder φ
     * @param workers partitions
     * @return the cached shards
     * @throws InvalidInputException for null labels
     */
    static JavaRDD<Shard> of(Dataset<Row> train, DeepSadModel encoder, int workers) {
        SampleSchema.require(train, Columns.IMAGE, SadLabel.COLUMN);
        boolean hasId = Arrays.asList(train.columns()).contains(Columns.SAMPLE_ID);
        Column key = hasId ? col(Columns.SAMPLE_ID) : org.apache.spark.sql.functions.xxhash64(col(Columns.IMAGE))
                .cast("string");
        // hash partitioning and a sort fix each worker's rows and their order, and so the encoder's minibatches:
        // its float32 outputs depend on a batch's composition in the last bits
        Dataset<Row> slim = train.select(key.as("_key"), col(SadLabel.COLUMN).cast("int").as(SadLabel.COLUMN),
                col(Columns.IMAGE)).repartition(workers, col("_key")).sortWithinPartitions(col("_key"),
                col(SadLabel.COLUMN));
        Dataset<Row> feats = encoder.embed(slim).select(col("_key"), col(SadLabel.COLUMN),
                col(DeepSadModel.FEATURES));
        return feats.javaRDD().mapPartitions(it -> {
            List<double[]> x = new ArrayList<>();
            List<Boolean> anomaly = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                if (r.isNullAt(1)) {
                    throw new InvalidInputException("sample " + r.getString(0) + ": " + SadLabel.COLUMN
                            + " is null (only normal and generated rows can train SimpleNet)");
                }
                x.add(((Vector) r.get(2)).toArray());
                anomaly.add(SadLabel.of(r.getInt(1)) == SadLabel.ANOMALY);
            }
            boolean[] a = new boolean[anomaly.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = anomaly.get(i);
            }
            return List.of(new Shard(x.toArray(new double[0][]), a)).iterator();
        }, true).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * The normals' mean and RMS spread, from per-shard sums summed in partition order.
     *
     * @param shards the shards
     * @return the scale
     * @throws InvalidInputException if no shard holds a normal row
     */
    static FeatureScale scale(JavaRDD<Shard> shards) {
        List<double[]> sums = shards.map(s -> {
            int d = s.x().length == 0 ? 0 : s.x()[0].length;
            double[] out = new double[2 * d + 1]; // Σx, Σx², count
            for (int i = 0; i < s.size(); i++) {
                if (s.anomaly()[i]) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    out[j] += s.x()[i][j];
                    out[d + j] += s.x()[i][j] * s.x()[i][j];
                }
                out[2 * d]++;
            }
            return out;
        }).collect();
        double[] total = null;
        for (double[] s : sums) {
            if (s.length <= 1) {
                continue;
            }
            if (total == null) {
                total = new double[s.length];
            }
            for (int i = 0; i < s.length; i++) {
                total[i] += s[i];
            }
        }
        if (total == null || total[total.length - 1] == 0) {
            throw new InvalidInputException("SimpleNet needs training normals (sad_label 0 or 1); none given");
        }
        return FeatureScale.of(total);
    }
}
