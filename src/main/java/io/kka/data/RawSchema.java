package io.kka.data;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What every dataset reader produces before normalisation: encoded image bytes and metadata, one row per image.
 * Decoding and checking happen in {@link Ingestor} on executors.
 *
 * <p>{@code split} is {@code train}, {@code val} or {@code test} when the dataset defines one, else null (the
 * ingest draws a seeded test split). {@code read_error} carries a problem the reader already found (unreadable
 * file, missing file of a manifest), which becomes a bad record. {@code uri} is the image's own file (any Hadoop FS
 * URI) for readers of image files, null for readers of packed formats (IDX, CIFAR binaries).
 */
public final class RawSchema {
    /** raw rows */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("source", DataTypes.StringType, false),
        DataTypes.createStructField("class_name", DataTypes.StringType, true),
        DataTypes.createStructField("captions", DataTypes.createArrayType(DataTypes.StringType, false), true),
        DataTypes.createStructField("split", DataTypes.StringType, true),
        DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
        DataTypes.createStructField("read_error", DataTypes.StringType, true),
        DataTypes.createStructField("uri", DataTypes.StringType, true),
    });

    private RawSchema() {
    }

    /** @return a raw row of an image that has no file of its own */
    public static Row row(String source, String className, String[] captions, String split, byte[] bytes,
            String readError) {
        return row(source, className, captions, split, bytes, readError, null);
    }

    /** @return a raw row of an image read from {@code uri} */
    public static Row row(String source, String className, String[] captions, String split, byte[] bytes,
            String readError, String uri) {
        return RowFactory.create(source, className, captions, split, bytes, readError, uri);
    }
}
