package io.kka.data.readers;

import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Text metadata files (manifests, captions files) read on executors with their 1-based line numbers, so that
 * every parse error can name its line. Uses Hadoop's text input (splits in file order; .gz decompressed).
 */
final class TextLines {
    private TextLines() {
    }

    /**
     * @param spark the session
     * @param uri   a text file
     * @return (line number, line) pairs; blank lines included
     */
    static JavaPairRDD<Long, String> numbered(SparkSession spark, String uri) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).textFile(uri).zipWithIndex()
                .mapToPair(t -> new Tuple2<>(t._2() + 1, t._2() == 0 ? stripBom(t._1()) : t._1()));
    }

    /**
     * Reads the first line on the driver (a header), without reading the rest of the file.
     *
     * @param uri  a text file, optionally gzipped
     * @param conf Hadoop configuration
     * @return the first line, or null for an empty file
     */
    static String firstLine(String uri, Configuration conf) {
        Path p = new Path(uri);
        try (InputStream raw = Fs.fs(uri, conf).open(p);
             InputStream in = uri.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = r.readLine();
            return line == null ? null : stripBom(line);
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot read (" + ImageFiles.oneLine(e) + ")");
        }
    }

    static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** @return the file name of a URI without a trailing .gz, lower case (for format detection) */
    static String formatName(String uri) {
        String name = new Path(uri).getName().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }
}
