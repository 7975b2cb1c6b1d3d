package io.kka.data;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import io.kka.config.DataConfig;
import io.kka.store.HadoopConf;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Images of a samples table stored by URI ({@code data.image_storage: uri}): the table holds each ingested image's
 * source file in {@code image_uri} and a null {@code image}. {@link #resolve} gives back a frame whose {@code image}
 * column is filled lazily: Spark evaluates it on the executors, in every stage that reads the image, by reading the
 * file through the Hadoop FileSystem API, decoding it under the pixel cap and normalising it exactly as the ingest
 * did. Nothing is decoded on the driver, and nothing is decoded until a stage needs the pixels.
 *
 * <p>Every load is checked: the normalised pixels must hash, with the row's {@code source}, to its
 * {@code sample_id} (the ingest's own content id), so a file replaced or edited after ingest fails the stage with
 * one line naming the sample and the file instead of silently training on other pixels.
 *
 * <p>The trade-off against inline storage: the table (and every shuffle of it before the image is read) stays
 * small, at the cost of one read, decode and resize per image per stage that uses it, and of files that must stay
 * where they were at ingest.
 */
public final class SampleImages {
    /** files above this size are refused before they are read to the end */
    static final int MAX_FILE_BYTES = 256 << 20;

    private SampleImages() {
    }

    /**
     * @param df a frame with an {@code image} column
     * @return whether some of its rows may hold their image by URI only
     */
    public static boolean byUri(Dataset<Row> df) {
        return Arrays.asList(df.columns()).contains(Columns.IMAGE_URI);
    }

    /**
     * Reads a samples table (Parquet) with its images resolved.
     *
     * @param spark     the session
     * @param uri       the table
     * @param maxPixels pixel cap of the files of a URI-stored table ({@code data.max_image_pixels})
     * @return the table; {@code image} is filled lazily where the table holds only {@code image_uri}
     */
    public static Dataset<Row> read(org.apache.spark.sql.SparkSession spark, String uri, long maxPixels) {
        return resolve(spark.read().parquet(uri), maxPixels);
    }

    /**
     * Resolves with the default pixel cap ({@link DataConfig#DEFAULT_MAX_IMAGE_PIXELS}).
     *
     * @param df a samples frame
     * @return the frame, {@code image} filled lazily where only {@code image_uri} is set
     */
    public static Dataset<Row> resolve(Dataset<Row> df) {
        return resolve(df, DataConfig.DEFAULT_MAX_IMAGE_PIXELS);
    }

    /**
     * Fills {@code image} from {@code image_uri} where it is null. A frame without an {@code image_uri} column is
     * returned as it is; rows that hold their bytes inline are not touched (the load is not evaluated for them).
     * Idempotent.
     *
     * @param df        a samples frame: {@code image}, and, where {@code image_uri} is set, {@code sample_id},
     *                  {@code source}, {@code width} and {@code channels}
     * @param maxPixels the most pixels a source file may declare (checked on its header, before decoding)
     * @return the frame with the same columns
     * @throws IllegalArgumentException naming a missing column
     */
    public static Dataset<Row> resolve(Dataset<Row> df, long maxPixels) {
        if (!byUri(df)) {
            return df;
        }
        SampleSchema.require(df, Columns.IMAGE, Columns.SAMPLE_ID, Columns.SOURCE, Columns.WIDTH, Columns.CHANNELS);
        UserDefinedFunction load = org.apache.spark.sql.functions.udf(
                new Load(HadoopConf.of(df.sparkSession()), maxPixels), DataTypes.BinaryType);
        return df.withColumn(Columns.IMAGE, coalesce(col(Columns.IMAGE), load.apply(col(Columns.IMAGE_URI),
                col(Columns.SAMPLE_ID), col(Columns.SOURCE), col(Columns.WIDTH), col(Columns.CHANNELS))));
    }

    /**
     * Executor side: reads, decodes, normalises and checks one image.
     *
     * @param uri       the source file
     * @param sampleId  the row's id (the content check)
     * @param source    the row's source
     * @param side      the normalised side
     * @param channels  1 or 3
     * @param conf      Hadoop configuration
     * @param maxPixels pixel cap
     * @return PNG bytes of the normalised image, identical to what an inline ingest stores
     * @throws InvalidInputException naming the sample and the file when it is missing, unreadable, undecodable or
     *                               changed
     */
    public static byte[] load(String uri, String sampleId, String source, int side, int channels,
            org.apache.hadoop.conf.Configuration conf, long maxPixels) {
        String name = "sample " + sampleId + " (image_uri " + uri + ")";
        byte[] bytes;
        try {
            bytes = io.kka.store.Fs.readCapped(uri, conf, MAX_FILE_BYTES);
        } catch (FileNotFoundException e) {
            throw new InvalidInputException(name + ": the image file no longer exists (data.image_storage is uri:"
                    + " the files must stay where they were at ingest)");
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(name + ": cannot read the image file (" + e.getMessage() + ")");
        }
        try {
            BufferedImage img = ImageCodec.normalize(ImageCodec.decode(bytes, source, maxPixels), side, channels,
                    true, true, source);
            byte[] pixels = ImageCodec.pixels(img);
            if (!ImageCodec.sampleId(source, pixels).equals(sampleId)) {
                throw new InvalidInputException(name + ": the file's pixels no longer match sample_id: it changed"
                        + " since ingest (re-ingest the dataset, or keep data.image_storage inline)");
            }
            return ImageCodec.png(img);
        } catch (BadRecordException e) {
            throw new InvalidInputException(name + ": " + e.getMessage());
        }
    }

    /** The lazily evaluated column. */
    private static final class Load implements UDF5<String, String, String, Integer, Integer, byte[]> {
        private static final long serialVersionUID = 1L;
        private final HadoopConf conf;
        private final long maxPixels;

        Load(HadoopConf conf, long maxPixels) {
            this.conf = conf;
            this.maxPixels = maxPixels;
        }

        @Override
        public byte[] call(String uri, String sampleId, String source, Integer side, Integer channels) {
            if (uri == null) {
                return null;
            }
            if (side == null || channels == null) {
                throw new InvalidInputException("sample " + sampleId + ": image_uri " + uri + " without width and"
                        + " channels");
            }
            return load(uri, sampleId, source, side, channels, conf.get(), maxPixels);
        }
    }
}
