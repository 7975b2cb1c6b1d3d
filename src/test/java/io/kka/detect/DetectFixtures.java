package io.kka.detect;

import io.kka.testing.ImageFrames;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The detector tests' synthetic images: {@link ImageFrames}, under the names this package's tests use. */
final class DetectFixtures {
    static final StructType SCHEMA = ImageFrames.SCHEMA;

    private DetectFixtures() {
    }

    /** @see ImageFrames#png */
    static byte[] png(int kind, int side, Random rnd) {
        return ImageFrames.png(kind, side, rnd);
    }

    /** @see ImageFrames#frame */
    static Dataset<Row> frame(SparkSession spark, int side, long seed, int[] counts, int[] sadLabels,
            String prefix) {
        return ImageFrames.frame(spark, side, seed, counts, sadLabels, prefix);
    }
}
