package io.kka.generate;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.RepresentativesConfig;
import io.kka.data.ImageCodec;
import io.kka.detect.MahalanobisDetector;
import io.kka.detect.MahalanobisModel;
import io.kka.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RepresentativesTest {

    /** Two modes of normals: dark images with a bright top half, and bright images with a dark top half. */
    private static Dataset<Row> normals(SparkSession spark) {
        Random rnd = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int mode = i % 2;
            byte[] px = new byte[64];
            for (int p = 0; p < 64; p++) {
                boolean top = p < 32;
                int v = (top ^ mode == 1 ? 200 : 30) + rnd.nextInt(30);
                px[p] = (byte) v;
            }
            rows.add(RowFactory.create("s" + i, ImageCodec.png(ImageCodec.fromPixels(px, 8, 8, 1)), "mode " + mode));
        }
        StructType schema = new StructType().add("sample_id", DataTypes.StringType, false)
                .add("image", DataTypes.BinaryType, false).add("caption", DataTypes.StringType, true);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    @Test
    void picksTheLowestEq1ScoreInEachCluster() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> normals = normals(spark);
        RepresentativesConfig cfg = new RepresentativesConfig(2, RepresentativesConfig.FeatureKind.PIXELS, 4, 0.2, 10);
        Dataset<Row> reps = Representatives.of(cfg, 9).select(normals);
        List<Row> got = reps.collectAsList();
        assertEquals(2, got.size());
        assertTrue(List.of(reps.columns()).containsAll(List.of("sample_id", "image", "caption", "cluster",
                "mahalanobis")));
        // brute force on the driver (test only): same seed, same clustering, argmin per cluster
        MahalanobisModel model = MahalanobisDetector.of(cfg, 9).fit(normals, null);
        Map<Integer, Row> best = new HashMap<>();
        for (Row r : model.assign(normals).collectAsList()) {
            int k = r.getInt(r.fieldIndex("cluster"));
            Row b = best.get(k);
            double s = r.getDouble(r.fieldIndex("mahalanobis"));
            if (b == null || s < b.getDouble(b.fieldIndex("mahalanobis"))) {
                best.put(k, r);
            }
        }
        for (Row r : got) {
            int k = r.getInt(r.fieldIndex("cluster"));
            assertEquals(best.get(k).getString(0), r.getString(0), "cluster " + k);
        }
        // the two modes end up in different clusters, so both kinds of caption reach the prompt
        assertEquals(2, reps.select(concat(col("caption"), lit(""))).distinct().count());
    }
}
