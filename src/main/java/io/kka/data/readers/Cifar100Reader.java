package io.kka.data.readers;

import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.ImageCodec;
import io.kka.data.InvalidInputException;
import io.kka.data.RawSchema;
import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * CIFAR-100, binary version (Krizhevsky 2009): {@code cifar-100-binary/train.bin} (50,000 records),
 * {@code test.bin} (10,000), {@code fine_label_names.txt} (100 names) and {@code coarse_label_names.txt} (20
 * superclass names), one name per line in label order. A record is 3,074 bytes: the coarse label, the fine label,
 * then 3,072 pixel bytes (the 32×32 red plane, green plane, blue plane, each row-major).
 *
 * <p>{@code data.class_level} picks the class: {@code fine} (100 classes) or {@code coarse} (the 20 superclasses,
 * the paper's one-class tasks). Each image gets the synthetic caption "a photo of a &lt;fine class&gt;". Sizes are
 * checked on the driver; records are range-read on executors, {@value #CHUNK} per task. {@code data.path} may be
 * the {@code cifar-100-binary} folder or its parent.
 */
public final class Cifar100Reader implements DatasetReader {
    /** bytes per record */
    static final int RECORD = 2 + 3 * 1024;
    static final int CHUNK = 5000;
    private static final int SIDE = 32;

    private final DataConfig cfg;

    /** @param cfg data config */
    public Cifar100Reader(DataConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String dir = dir(conf);
        return names(dir, cfg.classLevel() == DataConfig.ClassLevel.COARSE ? "coarse" : "fine", conf);
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String dir = dir(conf);
        List<String> fine = names(dir, "fine", conf);
        List<String> coarse = names(dir, "coarse", conf);
        boolean useCoarse = cfg.classLevel() == DataConfig.ClassLevel.COARSE;
        List<Chunk> chunks = new ArrayList<>();
        for (String[] part : new String[][] {{"train.bin", "train"}, {"test.bin", "test"}}) {
            String uri = Fs.child(dir, part[0]);
            long n = records(uri, conf);
            for (long start = 0; start < n; start += CHUNK) {
                chunks.add(new Chunk(uri, part[1], start, (int) Math.min(CHUNK, n - start), fine, coarse,
                        useCoarse));
            }
        }
        HadoopConf hc = HadoopConf.of(spark);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(chunks, Math.max(1, chunks.size()))
                .flatMap(c -> c.rows(hc.get()));
        return spark.createDataFrame(rows, RawSchema.SCHEMA);
    }

    /** @return the folder holding the binary files: data.path or data.path/cifar-100-binary */
    private String dir(Configuration conf) {
        String p = DatasetReader.requirePath(cfg.path(), conf, "the cifar-100-binary folder of the CIFAR-100"
                + " binary version");
        String nested = Fs.child(p, "cifar-100-binary");
        return Fs.exists(Fs.child(p, "train.bin"), conf) || !Fs.exists(nested, conf) ? p : nested;
    }

    private static List<String> names(String dir, String level, Configuration conf) {
        String uri = Fs.child(dir, level + "_label_names.txt");
        if (!Fs.exists(uri, conf)) {
            throw new InvalidInputException(uri + " does not exist (part of the CIFAR-100 binary version)");
        }
        try {
            String[] lines = ImageFiles.lines(Fs.readString(uri, conf));
            if (lines == null) {
                throw new InvalidInputException(uri + ": holds no class names");
            }
            return List.of(lines);
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot read (" + ImageFiles.oneLine(e) + ")");
        }
    }

    private static long records(String uri, Configuration conf) {
        try {
            Path p = new Path(uri);
            if (!Fs.exists(uri, conf)) {
                throw new InvalidInputException(uri + " does not exist (part of the CIFAR-100 binary version)");
            }
            long len = p.getFileSystem(conf).getFileStatus(p).getLen();
            if (len == 0 || len % RECORD != 0) {
                throw new InvalidInputException(uri + ": size " + len + " is not a positive multiple of " + RECORD
                        + " bytes (1 coarse label + 1 fine label + 3072 pixel bytes per record)");
            }
            return len / RECORD;
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot read (" + ImageFiles.oneLine(e) + ")");
        }
    }

    /**
     * @param caption a caption written by {@link #caption}
     * @return the fine class it names, with spaces ("maple tree"), or null for another caption
     */
    public static String fineName(String caption) {
        String prefix = "a photo of a ";
        return caption != null && caption.startsWith(prefix) ? caption.substring(prefix.length()).strip() : null;
    }

    /** @return "a photo of a maple tree" for fine class maple_tree (always "a", as in the CLIP template) */
    public static String caption(String fine) {
        // the fixed CLIP-style template, article included, so captions stay comparable across classes
        return "a photo of a " + fine.replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    /** A range of records of one file, read by one task with one positioned read. */
    record Chunk(String uri, String split, long start, int count, List<String> fine, List<String> coarse,
            boolean useCoarse) implements Serializable {
        Iterator<Row> rows(Configuration conf) throws IOException {
            byte[] buf = new byte[count * RECORD];
            Path p = new Path(uri);
            try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
                in.readFully(start * RECORD, buf);
            }
            List<Row> out = new ArrayList<>(count);
            String file = p.getName();
            byte[] rgb = new byte[SIDE * SIDE * 3];
            for (int i = 0; i < count; i++) {
                int off = i * RECORD;
                int c = buf[off] & 0xff;
                int f = buf[off + 1] & 0xff;
                String source = "cifar-100:" + file + "#" + (start + i);
                if (c >= coarse.size() || f >= fine.size()) {
                    out.add(RawSchema.row(source, null, null, split, null, "label out of range (coarse " + c
                            + " of 0.." + (coarse.size() - 1) + ", fine " + f + " of 0.." + (fine.size() - 1) + ")"));
                    continue;
                }
                for (int px = 0; px < SIDE * SIDE; px++) {
                    rgb[3 * px] = buf[off + 2 + px];
                    rgb[3 * px + 1] = buf[off + 2 + SIDE * SIDE + px];
                    rgb[3 * px + 2] = buf[off + 2 + 2 * SIDE * SIDE + px];
                }
                byte[] png = ImageCodec.png(ImageCodec.fromPixels(rgb, SIDE, SIDE, 3));
                out.add(RawSchema.row(source, useCoarse ? coarse.get(c) : fine.get(f),
                        new String[] {caption(fine.get(f))}, split, png, null));
            }
            return out.iterator();
        }
    }
}
