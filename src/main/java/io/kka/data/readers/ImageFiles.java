package io.kka.data.readers;

import io.kka.data.RawSchema;
import io.kka.store.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Loads the bytes of {@link ImageRef}s on executors through the Hadoop FileSystem API, turning every per-file
 * problem (missing, unreadable, too large) into a {@link RawSchema} row with {@code read_error} instead of
 * failing the task.
 */
final class ImageFiles {
    /** files above this size are rejected before they can exhaust an executor's heap */
    static final int MAX_BYTES = 256 << 20;

    private ImageFiles() {
    }

    /**
     * @param spark the session
     * @param refs  images to load
     * @return raw rows, one per reference
     */
    static Dataset<Row> load(SparkSession spark, JavaRDD<ImageRef> refs) {
        HadoopConf hc = HadoopConf.of(spark);
        return spark.createDataFrame(refs.mapPartitions(new Load(hc)), RawSchema.SCHEMA);
    }

    /** Executor side: one partition of references to raw rows. */
    private static final class Load implements FlatMapFunction<Iterator<ImageRef>, Row> {
        private static final long serialVersionUID = 1L;
        private final HadoopConf hc;

        Load(HadoopConf hc) {
            this.hc = hc;
        }

        @Override
        public Iterator<Row> call(Iterator<ImageRef> refs) {
            Configuration conf = hc.get();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return refs.hasNext();
                }

                @Override
                public Row next() {
                    return row(refs.next(), conf);
                }
            };
        }
    }

    /** Loads one reference (visible for tests). */
    static Row row(ImageRef ref, Configuration conf) {
        if (ref.error() != null) {
            return RawSchema.row(ref.source(), ref.className(), ref.captions(), ref.split(), null, ref.error());
        }
        byte[] bytes;
        try {
            bytes = read(ref.uri(), conf);
        } catch (FileNotFoundException e) {
            return RawSchema.row(ref.source(), ref.className(), ref.captions(), ref.split(), null,
                    "image file does not exist (" + ref.uri() + ")");
        } catch (IOException | RuntimeException e) {
            return RawSchema.row(ref.source(), ref.className(), ref.captions(), ref.split(), null,
                    "cannot read image file " + ref.uri() + " (" + oneLine(e) + ")");
        }
        String[] captions = ref.captions();
        if (ref.captionUri() != null) {
            try {
                captions = lines(new String(read(ref.captionUri(), conf), StandardCharsets.UTF_8));
            } catch (FileNotFoundException e) {
                captions = null;
            } catch (IOException | RuntimeException e) {
                return RawSchema.row(ref.source(), ref.className(), null, ref.split(), null,
                        "cannot read caption file " + ref.captionUri() + " (" + oneLine(e) + ")");
            }
        }
        return RawSchema.row(ref.source(), ref.className(), captions, ref.split(), bytes, null, ref.uri());
    }

    /** Reads a whole file, refusing files over {@link #MAX_BYTES} without an extra metadata call. */
    static byte[] read(String uri, Configuration conf) throws IOException {
        return io.kka.store.Fs.readCapped(uri, conf, MAX_BYTES);
    }

    /** @return the non-blank lines of a text, stripped, or null if there are none */
    static String[] lines(String text) {
        List<String> out = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        for (String line : body.split("\\R")) {
            String s = line.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out.isEmpty() ? null : out.toArray(new String[0]);
    }

    /** @return a JSON parser's message without its source excerpt */
    static String jsonProblem(Throwable e) {
        return oneLine(e).split(" at \\[Source")[0].strip();
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
