package io.kka.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The plain-Spark ingest that {@code kka bench scale} compares {@code kka ingest} with: Spark's {@code binaryFile}
 * source over the same folder tree (recursive, {@code *.png}), {@link ImageIO} decode, a resize to the configured
 * shape (grey or RGB, bilinear, only where the size or type differs), PNG bytes and a Parquet write of
 * (path, image). No checks, labels or splits: the speed of Spark's own file reading and of the codec alone.
 */
final class BinaryFileBaseline {
    private static final StructType SCHEMA = new StructType().add("path", DataTypes.StringType, false)
            .add("image", DataTypes.BinaryType, true);

    private BinaryFileBaseline() {
    }

    /**
     * @param spark    the session
     * @param root     the folder tree
     * @param output   Parquet output (replaced)
     * @param size     image side
     * @param channels 1 or 3
     * @return rows written
     */
    static long run(SparkSession spark, String root, String output, int size, int channels) {
        JavaRDD<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", "*.png")
                .option("recursiveFileLookup", "true").load(root).select("path", "content").javaRDD();
        JavaRDD<Row> rows = files.mapPartitions(new Convert(size, channels));
        spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Overwrite).parquet(output);
        return spark.read().parquet(output).count();
    }

    /** Executor side: one partition of (path, content) to (path, PNG). */
    private static final class Convert implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final int size;
        private final int channels;

        Convert(int size, int channels) {
            this.size = size;
            this.channels = channels;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> it) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Row next() {
                    Row r = it.next();
                    return RowFactory.create(r.getString(0), png(resize(decode((byte[]) r.get(1)), size, channels)));
                }
            };
        }
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IllegalStateException("not an image");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the image at size × size in the target type (the input itself when it already is) */
    static BufferedImage resize(BufferedImage img, int size, int channels) {
        int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        if (img.getWidth() == size && img.getHeight() == size && img.getType() == type) {
            return img;
        }
        BufferedImage out = new BufferedImage(size, size, type);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
