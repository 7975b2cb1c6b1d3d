package io.kka.detect;

import static org.apache.spark.sql.functions.col;

import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training rows decoded once on the executors into compact CHW bytes (on-heap, so Spark accounts for them), and
 * re-batched every epoch into DL4J minibatches after a seeded shuffle within each partition.
 */
public final class Examples {
    private Examples() {
    }

    /**
     * One decoded training image.
     *
     * @param chw pixels, channel-major
     * @param y   Deep SAD target −1, 0, +1
     */
    public record Example(byte[] chw, byte y) implements Serializable {
    }

    /** What the minibatch labels are. */
    public enum Target {
        /** Deep SAD: y repeated over the representation columns */
        DEEP_SAD,
        /** autoencoder: the inputs themselves */
        AUTOENCODER
    }

    /**
     * Decodes the frame on the executors and caches the result (the caller unpersists).
     *
     * @param train      rows with {@code image} and {@code sad_label} ({@code sample_id} names bad rows)
     * @param side       expected side
     * @param channels   expected channels
     * @param partitions number of partitions = training workers
     * @return cached examples
     */
    public static JavaRDD<Example> of(Dataset<Row> train, int side, int channels, int partitions) {
        SampleSchema.require(train, Columns.IMAGE, SadLabel.COLUMN);
        boolean hasId = Arrays.asList(train.columns()).contains(Columns.SAMPLE_ID);
        Dataset<Row> slim = train.select(col(Columns.IMAGE), col(SadLabel.COLUMN).cast("int"),
                hasId ? col(Columns.SAMPLE_ID) : org.apache.spark.sql.functions.lit("?"));
        // hash partitioning and a sort make each worker's rows and their order independent of shuffle fetch
        // order, so that the same data and seed train bit-identical networks (the minibatch shuffle is seeded)
        Column key = hasId ? col(Columns.SAMPLE_ID) : org.apache.spark.sql.functions.xxhash64(col(Columns.IMAGE));
        slim = slim.repartition(partitions, key).sortWithinPartitions(key);
        return slim.javaRDD().map(r -> {
            String id = r.getString(2);
            if (r.isNullAt(1)) {
                throw new InvalidInputException("sample " + id + ": " + SadLabel.COLUMN + " is null (only normal"
                        + " and generated rows can train Deep SAD)");
            }
            int y = SadLabel.of(r.getInt(1)).value();
            if (r.isNullAt(0)) {
                throw new InvalidInputException("sample " + id + ": image is null");
            }
            return new Example(Pixels.chw((byte[]) r.get(0), side, channels, id), (byte) y);
        }).persist(StorageLevel.MEMORY_ONLY());
    }

    /**
     * One epoch of minibatches: each partition is shuffled with a seed derived from (seed, partition) and cut
     * into batches of {@code batch} examples (the last may be smaller).
     *
     * @param examples cached examples
     * @param batch    minibatch size
     * @param seed     epoch seed
     * @param target   what the labels hold
     * @param repDim   representation size (Deep SAD labels)
     * @return minibatches, lazily built
     */
    public static JavaRDD<DataSet> epoch(JavaRDD<Example> examples, int batch, long seed, Target target, int repDim) {
        return examples.mapPartitionsWithIndex((idx, it) -> {
            List<Example> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            Collections.shuffle(all, new Random(seed * 1_000_003L + idx));
            List<DataSet> out = new ArrayList<>();
            for (int from = 0; from < all.size(); from += batch) {
                out.add(toDataSet(all.subList(from, Math.min(all.size(), from + batch)), target, repDim));
            }
            return out.iterator();
        }, true);
    }

    public static DataSet toDataSet(List<Example> rows, Target target, int repDim) {
        List<byte[]> px = new ArrayList<>(rows.size());
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            px.add(rows.get(i).chw());
            y[i] = rows.get(i).y();
        }
        INDArray features = Pixels.batch(px, px.get(0).length);
        if (target == Target.AUTOENCODER) {
            return new DataSet(features, features);
        }
        INDArray labels = Nd4j.createFromArray(y).reshape(rows.size(), 1).repeat(1, repDim);
        return new DataSet(features, labels);
    }

    /** Iterates over minibatches of a partition's examples whose y passes the filter (normals: y ≥ 0). */
    public static Iterator<List<Example>> batches(Iterator<Example> it, int batch, boolean normalsOnly) {
        return new Iterator<>() {
            private List<Example> next = fill();

            private List<Example> fill() {
                List<Example> b = new ArrayList<>(batch);
                while (b.size() < batch && it.hasNext()) {
                    Example e = it.next();
                    if (!normalsOnly || e.y() >= 0) {
                        b.add(e);
                    }
                }
                return b;
            }

            @Override
            public boolean hasNext() {
                return !next.isEmpty();
            }

            @Override
            public List<Example> next() {
                List<Example> b = next;
                next = fill();
                return b;
            }
        };
    }
}
