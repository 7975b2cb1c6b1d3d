package io.kka.detect;

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

/** Tiny seeded image sets for the detector tests. */
final class DetectFixtures {
    static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.StringType, false)
            .add("image", DataTypes.BinaryType, false)
            .add("sad_label", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("class_name", DataTypes.StringType, false);

    private DetectFixtures() {
    }

    /**
     * A grayscale image: normals (kind 0) have a bright centred square, anomalies (kind 1) a bright frame along
     * the border, kind 2 a diagonal; plus noise.
     */
    static byte[] png(int kind, int side, Random rnd) {
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
     * @param kinds    per row: image kind
     * @param sadLabel sad_label of every row of that kind: index = kind
     */
    static Dataset<Row> frame(SparkSession spark, int side, long seed, int[] counts, int[] sadLabels,
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
