package io.kka.testing;

import io.kka.data.ImageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tiny seeded image frames for tests outside {@code io.kka.detect} (the same images as its package-private
 * {@code DetectFixtures}): columns {@code sample_id}, {@code image} (PNG), {@code sad_label}, {@code label} and
 * {@code class_name}.
 */
public final class ImageFrames {
    /** the frames' schema */
    public static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.StringType, false)
            .add("image", DataTypes.BinaryType, false)
            .add("sad_label", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("class_name", DataTypes.StringType, false);

    private ImageFrames() {
    }

    /**
     * A grayscale PNG: kind 0 (normal) has a bright centred square, kind 1 a bright frame along the border, kind 2
     * a diagonal; plus seeded noise.
     *
     * @param kind the pattern
     * @param side the side, pixels
     * @param rnd  the noise source
     * @return PNG bytes
     */
    public static byte[] png(int kind, int side, Random rnd) {
        byte[] px = new byte[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean on = switch (kind) {
                    case 0 -> x >= side / 4 && x < 3 * side / 4 && y >= side / 4 && y < 3 * side / 4;
                    case 1 -> x == 0 || y == 0 || x == side - 1 || y == side - 1;
                    default -> Math.abs(x - y) <= 1;
                };
                int v = (on ? 180 : 10) + rnd.nextInt(40);
                px[y * side + x] = (byte) Math.min(255, v);
            }
        }
        return ImageCodec.png(ImageCodec.fromPixels(px, side, side, 1));
    }

    /**
     * @param spark     the session
     * @param side      image side, pixels
     * @param seed      noise seed
     * @param counts    rows per kind (index = kind)
     * @param sadLabels sad_label of the rows of each kind; label is 0 for kind 0 and 1 otherwise
     * @param prefix    sample_id prefix
     * @return the frame, in 2 partitions
     */
    public static Dataset<Row> frame(SparkSession spark, int side, long seed, int[] counts, int[] sadLabels,
            String prefix) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int kind = 0; kind < counts.length; kind++) {
            for (int i = 0; i < counts[kind]; i++) {
                rows.add(RowFactory.create(prefix + kind + "-" + i, png(kind, side, rnd), sadLabels[kind],
                        kind == 0 ? 0 : 1, "k" + kind));
            }
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(2);
    }
}
