package io.kka.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Small helpers over the Hadoop FileSystem API, so that every path may be a local path or any Hadoop URI
 * (file://, hdfs://, s3a://). Writes are atomic where the file system's rename is (local, HDFS): output goes to
 * a temporary sibling first and is renamed on success, so a failure leaves nothing half-written.
 */
public final class Fs {
    private Fs() {
    }

    /** @return the file system of {@code uri} */
    public static FileSystem fs(String uri, Configuration conf) {
        try {
            return new Path(uri).getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open file system of " + uri, e);
        }
    }

    /** @return true if {@code uri} exists */
    public static boolean exists(String uri, Configuration conf) {
        try {
            return fs(uri, conf).exists(new Path(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + uri, e);
        }
    }

    /** @return the whole file as bytes */
    public static byte[] readBytes(String uri, Configuration conf) throws IOException {
        try (InputStream in = fs(uri, conf).open(new Path(uri))) {
            return in.readAllBytes();
        }
    }

    /**
     * Reads a whole file, refusing one over {@code maxBytes} as soon as it has read that much (no extra metadata
     * call, so a file that grows or lies about its length cannot get past the cap).
     *
     * @param uri      the file
     * @param conf     Hadoop configuration
     * @param maxBytes the cap
     * @return the bytes
     * @throws IOException reading, or "larger than N MiB" over the cap
     */
    public static byte[] readCapped(String uri, Configuration conf, int maxBytes) throws IOException {
        Path p = new Path(uri);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 14);
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new IOException("larger than " + (maxBytes >> 20) + " MiB");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** @return the whole file as UTF-8 text */
    public static String readString(String uri, Configuration conf) throws IOException {
        return new String(readBytes(uri, conf), StandardCharsets.UTF_8);
    }

    /**
     * Reads a file the job ships with (prompt templates, knowledge corpora, lexicons): from the file system if it
     * exists there, else — for a relative path such as {@code conf/prompts/kka.txt} — from the same path inside
     * the application jar, so that cluster deploy modes work without shipping {@code conf/} with {@code --files}.
     *
     * @param uri  a path or Hadoop FS URI
     * @param conf Hadoop configuration
     * @return the text
     * @throws IOException if neither exists
     */
    public static String readShipped(String uri, Configuration conf) throws IOException {
        if (exists(uri, conf)) {
            return readString(uri, conf);
        }
        if (!uri.contains(":") && !uri.startsWith("/")) {
            try (InputStream in = Fs.class.getResourceAsStream("/" + uri)) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new java.io.FileNotFoundException(uri + " does not exist (neither on the file system nor in the jar)");
    }

    /** Writes a small file atomically (temporary sibling, then rename). */
    public static void writeString(String uri, String text, Configuration conf) {
        writeBytes(uri, text.getBytes(StandardCharsets.UTF_8), conf);
    }

    /** Writes a small file atomically (temporary sibling, then rename), replacing an existing one. */
    public static void writeBytes(String uri, byte[] bytes, Configuration conf) {
        Path target = new Path(uri);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            FileSystem fs = target.getFileSystem(conf);
            fs.mkdirs(target.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri, e);
        }
    }

    /** Deletes {@code uri} recursively if it exists. */
    public static void delete(String uri, Configuration conf) {
        try {
            fs(uri, conf).delete(new Path(uri), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + uri, e);
        }
    }

    /** @return a fresh temporary sibling of {@code uri} (not created) */
    public static String tempSibling(String uri) {
        Path target = new Path(uri);
        return new Path(target.getParent(), "_tmp-" + target.getName() + "-" + UUID.randomUUID()).toString();
    }

    /**
     * Moves a finished temporary output into place.
     *
     * @param tmp       the finished output
     * @param target    where it belongs
     * @param overwrite replace an existing target
     * @throws IllegalStateException if the target exists and overwrite is false
     */
    public static void commit(String tmp, String target, boolean overwrite, Configuration conf) {
        try {
            FileSystem fs = fs(target, conf);
            Path t = new Path(target);
            if (fs.exists(t)) {
                if (!overwrite) {
                    fs.delete(new Path(tmp), true);
                    throw new IllegalStateException(target + " already exists (use --overwrite to replace it)");
                }
                fs.delete(t, true);
            }
            fs.mkdirs(t.getParent());
            if (!fs.rename(new Path(tmp), t)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit " + target, e);
        }
    }

    /**
     * Writes a frame as Parquet atomically.
     *
     * @param df        the frame
     * @param target    destination URI
     * @param overwrite replace an existing destination
     */
    public static void writeParquet(Dataset<Row> df, String target, boolean overwrite) {
        SparkSession spark = df.sparkSession();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!overwrite && exists(target, conf)) {
            throw new IllegalStateException(target + " already exists (use --overwrite to replace it)");
        }
        String tmp = tempSibling(target);
        try {
            df.write().mode(SaveMode.ErrorIfExists).parquet(tmp);
        } catch (Exception e) {
            // Spark rethrows task failures as the checked SparkException: clean up on every failure
            delete(tmp, conf);
            throw e;
        }
        commit(tmp, target, overwrite, conf);
    }

    /** @return {@code base/child} as a URI string */
    public static String child(String base, String child) {
        return new Path(base, child).toString();
    }
}
