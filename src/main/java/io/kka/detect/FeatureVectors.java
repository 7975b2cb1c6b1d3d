package io.kka.detect;

import io.kka.config.RepresentativesConfig;
import io.kka.data.BadRecordException;
import io.kka.data.Columns;
import io.kka.data.ImageCodec;
import io.kka.data.InvalidInputException;
import io.kka.data.SampleSchema;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The feature vectors z of Eq. 1–2, appended as the ml Vector column {@value DeepSadModel#FEATURES}: the
 * encoder φ(x) of a given model with {@code features: encoder}, or with {@code features: pixels} the image
 * downsampled to {@code pixel_size}² × channels values in [0, 1] (computed on the executors).
 */
final class FeatureVectors implements Serializable {
    private static final long serialVersionUID = 1L;
    private final DeepSadModel encoder;
    private final int pixelSize;

    private FeatureVectors(DeepSadModel encoder, int pixelSize) {
        this.encoder = encoder;
        this.pixelSize = pixelSize;
    }

    /**
     * @param cfg     representatives config
     * @param encoder the model whose φ gives the features; required with {@code features: encoder}, ignored with
     *                pixels
     * @return the extractor
     * @throws IllegalArgumentException with {@code features: encoder} and no encoder (never a silent fallback)
     */
    static FeatureVectors of(RepresentativesConfig cfg, DeepSadModel encoder) {
        if (cfg.features() == RepresentativesConfig.FeatureKind.ENCODER) {
            if (encoder == null) {
                throw new IllegalArgumentException("representatives.features is encoder but no encoder was given"
                        + " (Eq. 1-2 would silently use pixels)");
            }
            return new FeatureVectors(encoder, cfg.pixelSize());
        }
        return new FeatureVectors(null, cfg.pixelSize());
    }

    /** @return the extractor of an encoder's φ(x) */
    static FeatureVectors ofEncoder(DeepSadModel encoder) {
        return new FeatureVectors(java.util.Objects.requireNonNull(encoder, "encoder"), 0);
    }

    /** @return the extractor of downsampled pixels */
    static FeatureVectors ofPixels(int pixelSize) {
        return new FeatureVectors(null, pixelSize);
    }

    /** @return the encoder, or null for pixels */
    DeepSadModel encoder() {
        return encoder;
    }

    /** @return the side of the downsampled image (pixels only) */
    int pixelSize() {
        return pixelSize;
    }

    /** @return "encoder φ (lenet28, 64)" or "pixels 8x8" */
    String describe() {
        return encoder != null ? "encoder φ (" + encoder.architecture() + ", " + encoder.repDim() + ")"
                : "pixels " + pixelSize + "x" + pixelSize;
    }

    /**
     * @param rows rows with {@code image}
     * @return the rows with {@code features} appended (replacing an existing column)
     */
    Dataset<Row> transform(Dataset<Row> rows) {
        if (encoder != null) {
            return encoder.embed(rows);
        }
        Dataset<Row> in = rows.drop(DeepSadModel.FEATURES);
        SampleSchema.require(in, Columns.IMAGE);
        String[] cols = in.columns();
        int image = EmbedRows.indexOf(cols, Columns.IMAGE);
        int id = EmbedRows.indexOf(cols, Columns.SAMPLE_ID);
        int size = pixelSize;
        JavaRDD<Row> out = in.javaRDD().map(r -> {
            String name = id >= 0 && !r.isNullAt(id) ? "sample " + r.getString(id) : "sample ?";
            return EmbedRows.append(r, Vectors.dense(pixels(r.isNullAt(image) ? null : (byte[]) r.get(image), size,
                    name)));
        });
        return in.sparkSession().createDataFrame(out, in.schema().add(DeepSadModel.FEATURES,
                SQLDataTypes.VectorType(), false));
    }

    static double[] pixels(byte[] png, int size, String name) {
        try {
            BufferedImage img = ImageCodec.decode(png, name);
            int c = ImageCodec.channels(img);
            byte[] px = ImageCodec.pixels(ImageCodec.normalize(img, size, c, true, true, name));
            double[] z = new double[px.length];
            for (int i = 0; i < px.length; i++) {
                z[i] = (px[i] & 0xff) / 255.0;
            }
            return z;
        } catch (BadRecordException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
