package io.kka.data.readers;

import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.ImageCodec;
import io.kka.data.InvalidInputException;
import io.kka.data.RawSchema;
import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fashion-MNIST IDX files (Xiao et al. 2017), plain or gzipped, as published by Zalando and installed by the
 * Debian package {@code dataset-fashion-mnist} under {@code /usr/share/datasets/fashion-mnist}.
 *
 * <p>Headers are checked on the driver (magic numbers, counts, 28×28); records are read on executors in chunks
 * of {@value #CHUNK} images. Fashion-MNIST has no captions: each image gets a short synthetic caption made of a
 * few words read off its pixels and its class name ("a dark slim trouser", "a light t-shirt with short sleeves";
 * see {@link GarmentCaption}), documented as such in the README.
 */
public final class FashionMnistReader implements DatasetReader {
    /** class names in label order */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final int IMAGE_MAGIC = 0x00000803;
    static final int LABEL_MAGIC = 0x00000801;
    static final int CHUNK = 5000;
    private static final int SIDE = 28;

    private final DataConfig cfg;

    /** @param cfg data config; {@code path} is the directory holding the four IDX files */
    public FashionMnistReader(DataConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        return CLASSES;
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Chunk> chunks = new ArrayList<>();
        for (String[] part : new String[][] {{"train", "train"}, {"t10k", "test"}}) {
            String images = locate(part[0] + "-images-idx3-ubyte", conf);
            String labels = locate(part[0] + "-labels-idx1-ubyte", conf);
            int n = checkHeader(images, IMAGE_MAGIC, conf);
            int m = checkHeader(labels, LABEL_MAGIC, conf);
            if (n != m) {
                throw new InvalidInputException(images + ": holds " + n + " images but " + labels + " holds " + m
                        + " labels");
            }
            for (int start = 0; start < n; start += CHUNK) {
                chunks.add(new Chunk(images, labels, part[1], start, Math.min(CHUNK, n - start)));
            }
        }
        HadoopConf hc = HadoopConf.of(spark);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(chunks, chunks.size())
                .flatMap(chunk -> chunk.rows(hc.get()));
        return spark.createDataFrame(rows, RawSchema.SCHEMA);
    }

    private String locate(String base, Configuration conf) {
        for (String name : new String[] {base, base + ".gz"}) {
            String uri = Fs.child(cfg.path(), name);
            if (Fs.exists(uri, conf)) {
                return uri;
            }
        }
        if (!Fs.exists(cfg.path(), conf)) {
            throw new InvalidInputException("data.path " + cfg.path() + " does not exist (install the Fashion-MNIST"
                    + " files, e.g. apt-get install dataset-fashion-mnist)");
        }
        throw new InvalidInputException(cfg.path() + ": neither " + base + " nor " + base + ".gz exists");
    }

    /** Reads and checks an IDX header; returns the item count. */
    static int checkHeader(String uri, int magic, Configuration conf) {
        try (DataInputStream in = new DataInputStream(open(uri, conf))) {
            int found = in.readInt();
            if (found != magic) {
                throw new InvalidInputException(uri + ": wrong magic number 0x" + String.format("%08x", found)
                        + ", expected 0x" + String.format("%08x", magic) + " (not an IDX "
                        + (magic == IMAGE_MAGIC ? "image" : "label") + " file)");
            }
            int n = in.readInt();
            if (magic == IMAGE_MAGIC) {
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows != SIDE || cols != SIDE) {
                    throw new InvalidInputException(uri + ": images are " + rows + "x" + cols + ", expected 28x28");
                }
            }
            if (n < 0) {
                throw new InvalidInputException(uri + ": negative item count " + n);
            }
            long header = magic == IMAGE_MAGIC ? 16 : 8;
            long need = header + (long) n * (magic == IMAGE_MAGIC ? SIDE * SIDE : 1);
            long have = contentLength(uri, conf);
            if (have >= 0 && need > have) {
                throw new InvalidInputException(uri + ": the header declares " + n + " items (" + need + " bytes)"
                        + " but the file holds " + have + " bytes" + (uri.endsWith(".gz") ? " uncompressed" : "")
                        + " (truncated or hostile)");
            }
            return n;
        } catch (java.io.EOFException e) {
            throw new InvalidInputException(uri + ": truncated IDX header");
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * The size of the file's content without reading it: the file length, or for {@code .gz} the uncompressed size
     * in the gzip trailer (ISIZE, exact below 4 GiB; the IDX files are far smaller).
     *
     * @return bytes, or -1 when unknown (a gzip file too short to hold a trailer)
     */
    static long contentLength(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        long len = Fs.fs(uri, conf).getFileStatus(p).getLen();
        if (!uri.endsWith(".gz")) {
            return len;
        }
        if (len < 18) {
            return -1;
        }
        try (FSDataInputStream in = Fs.fs(uri, conf).open(p)) {
            byte[] t = new byte[4];
            in.readFully(len - 4, t);
            return (t[0] & 0xffL) | (t[1] & 0xffL) << 8 | (t[2] & 0xffL) << 16 | (t[3] & 0xffL) << 24;
        }
    }

    static InputStream open(String uri, Configuration conf) throws IOException {
        InputStream raw = Fs.fs(uri, conf).open(new Path(uri));
        return uri.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /**
     * A synthetic caption read off the pixels ({@link GarmentCaption}): tone, width or size, texture, the class
     * name and, for tops, the sleeves.
     *
     * @param pixels 28×28 grayscale, row-major
     * @param cls    class name
     * @return e.g. "a dark slim trouser", "a light plain t-shirt with short sleeves"
     */
    public static String caption(byte[] pixels, String cls) {
        return GarmentCaption.of(pixels, cls);
    }

    /** A range of records of one image/label file pair, read by one task. */
    record Chunk(String images, String labels, String split, int start, int count) implements Serializable {
        Iterator<Row> rows(Configuration conf) throws IOException {
            byte[] px = new byte[count * SIDE * SIDE];
            byte[] lb = new byte[count];
            try (DataInputStream in = new DataInputStream(open(images, conf))) {
                in.skipNBytes(16L + (long) start * SIDE * SIDE);
                in.readFully(px);
            } catch (java.io.EOFException e) {
                throw new IOException(images + ": truncated (records " + start + ".." + (start + count) + ")", e);
            }
            try (DataInputStream in = new DataInputStream(open(labels, conf))) {
                in.skipNBytes(8L + start);
                in.readFully(lb);
            }
            List<Row> out = new ArrayList<>(count);
            String file = new Path(images).getName();
            for (int i = 0; i < count; i++) {
                int label = lb[i] & 0xff;
                String source = "fashion-mnist:" + file + "#" + (start + i);
                if (label >= CLASSES.size()) {
                    out.add(RawSchema.row(source, null, null, split, null, "label " + label + " out of range 0..9"));
                    continue;
                }
                byte[] one = java.util.Arrays.copyOfRange(px, i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
                String cls = CLASSES.get(label);
                byte[] png = ImageCodec.png(ImageCodec.fromPixels(one, SIDE, SIDE, 1));
                out.add(RawSchema.row(source, cls, new String[] {caption(one, cls)}, split, png, null));
            }
            return out.iterator();
        }
    }
}
