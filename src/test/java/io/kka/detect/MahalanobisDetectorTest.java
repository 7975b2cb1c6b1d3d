package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.RepresentativesConfig;
import io.kka.data.InvalidInputException;
import io.kka.testing.SparkTestSession;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MahalanobisDetectorTest {

    /** Eq. 1 through the Cholesky factor equals (z−μ)ᵀ Σ⁻¹ (z−μ) with Σ inverted by Gauss–Jordan. */
    @Test
    void mahalanobisMatchesExplicitInverse() {
        Random rnd = new Random(3);
        int d = 4;
        double[][] shift = {{0.5, 0.5, 0.5, 0.5}};
        ClusterMoments m = new ClusterMoments(shift);
        double[][] xs = new double[50][d];
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                x[i] = rnd.nextGaussian() * (i + 1) + (i == 1 ? 0.8 * x[0] : 0);
            }
            m.add(0, x);
        }
        double s = 0.2;
        ClusterGaussians g = m.gaussians(s);
        double[] mu = new double[d];
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                mu[i] += x[i] / xs.length;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] += (x[i] - mu[i]) * (x[j] - mu[j]) / (xs.length - 1);
                }
            }
        }
        double tr = 0;
        for (int i = 0; i < d; i++) {
            tr += cov[i][i];
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                cov[i][j] = (1 - s) * cov[i][j] + (i == j ? (s + 1e-6) * tr / d : 0);
            }
        }
        double[][] inv = invert(cov);
        double[] z = {1, -2, 0.5, 3};
        double expected = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                expected += (z[i] - mu[i]) * inv[i][j] * (z[j] - mu[j]);
            }
        }
        assertEquals(expected, g.mahalanobis(0, z), 1e-9 * expected);
        assertEquals(expected, g.minMahalanobis(z), 1e-9 * expected);
    }

    static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            double p = m[c][c];
            for (int j = 0; j < 2 * n; j++) {
                m[c][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, out[i], 0, n);
        }
        return out;
    }

    @Test
    void pixelDetectorRanksAnomaliesAboveNormals() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> train = DetectFixtures.frame(spark, 8, 11, new int[] {60}, new int[] {0}, "n");
        Dataset<Row> test = DetectFixtures.frame(spark, 8, 12, new int[] {20, 10, 10}, new int[] {0, 0, 0}, "t");
        RepresentativesConfig cfg = new RepresentativesConfig(2, RepresentativesConfig.FeatureKind.PIXELS, 4, 0.1, 10);
        MahalanobisModel model = MahalanobisDetector.of(cfg, 1).fit(train, null);
        assertEquals(2, model.clusters());
        Dataset<Row> scored = model.score(test);
        assertEquals(test.columns().length + 1, scored.columns().length);
        assertTrue(AnomalyMetrics.of(scored).auroc() > 0.95);
        RepresentativesConfig tooBig = new RepresentativesConfig(2, RepresentativesConfig.FeatureKind.PIXELS, 32, 0.1,
                10);
        byte[] rgb = io.kka.data.ImageCodec.png(io.kka.data.ImageCodec.fromPixels(new byte[40 * 40 * 3], 40, 40, 3));
        Dataset<Row> big = spark.createDataFrame(java.util.List.of(org.apache.spark.sql.RowFactory.create("big",
                rgb, 0, 0, "k0")), DetectFixtures.SCHEMA);
        var e = assertThrows(InvalidInputException.class, () -> MahalanobisDetector.of(tooBig, 1).fit(big, null));
        assertTrue(e.getMessage().contains("at most 1024"), e.getMessage());
    }
}
