package io.kka.data.readers;

import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A folder per class, in the spirit of anomalib's Folder dataset: {@code root/<class>/*.png}, or
 * {@code root/train|val|test/<class>/*.png} where the split comes from the folder. Only files whose extension is
 * in {@code data.extensions} (any case) are images; other files are ignored, and names starting with "." or "_"
 * are hidden.
 *
 * <p>Class folders are found on the driver; each class folder is listed recursively and its files read on
 * executors. (Spark's {@code binaryFile} source is not used: its scan silently drops zero-byte files, which must
 * surface as "empty file" bad records.) An optional captions file ({@code data.captions_file}, relative to
 * {@code data.path} or absolute) adds captions by the image's path relative to the root; a line naming a file that
 * is not among the images is a bad record, so typos are not silently lost.
 */
public final class FolderReader implements DatasetReader {
    private final DataConfig cfg;

    /** @param cfg data config; {@code path} is the root folder (any Hadoop FS URI) */
    public FolderReader(DataConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        return FolderLayout.detect(cfg.path(), spark.sparkContext().hadoopConfiguration()).classes();
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FolderLayout layout = FolderLayout.detect(cfg.path(), conf);
        String captions = captionsUri(conf);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> dirs = FolderFiles.classDirs(layout, conf);
        List<String> extensions = List.copyOf(cfg.extensions());
        HadoopConf hc = HadoopConf.of(spark);
        JavaRDD<String> files = jsc.parallelize(dirs, Math.max(1, dirs.size()))
                .flatMap(d -> FolderFiles.list(d, extensions, hc.get()))
                .union(jsc.parallelize(FolderFiles.strays(layout, conf, extensions), 1))
                .repartition(jsc.defaultParallelism());
        if (captions == null) {
            return ImageFiles.load(spark, files.map(layout::ref));
        }
        JavaRDD<CaptionsFile.Line> lines = CaptionsFile.parse(spark, captions, layout);
        JavaPairRDD<String, ImageRef> images = files.mapToPair(f -> new Tuple2<>(layout.relative(f), layout.ref(f)));
        JavaRDD<ImageRef> bad = lines.filter(l -> l.error() != null)
                .map(l -> ImageRef.bad(l.source(), null, null, l.error()));
        JavaRDD<ImageRef> joined = images.cogroup(lines.filter(l -> l.error() == null)
                .mapToPair(l -> new Tuple2<>(l.key(), l))).flatMap(t -> merge(t._2()._1(), t._2()._2()).iterator());
        return ImageFiles.load(spark, joined.union(bad));
    }

    /** Attaches the captions of one key to its image; caption lines without an image become bad records. */
    static List<ImageRef> merge(Iterable<ImageRef> images, Iterable<CaptionsFile.Line> lines) {
        List<CaptionsFile.Line> sorted = new ArrayList<>();
        lines.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(CaptionsFile.Line::line));
        List<ImageRef> out = new ArrayList<>();
        if (!images.iterator().hasNext()) {
            for (CaptionsFile.Line l : sorted) {
                out.add(ImageRef.bad(l.source(), null, null, "file " + l.key() + " is not among the images under"
                        + " data.path (missing, hidden, or its extension is not in data.extensions)"));
            }
            return out;
        }
        Set<String> caps = new LinkedHashSet<>();
        sorted.forEach(l -> caps.addAll(List.of(l.captions())));
        for (ImageRef img : images) {
            out.add(caps.isEmpty() ? img : img.withCaptions(caps.toArray(new String[0])));
        }
        return out;
    }

    /** @return the captions file URI, or null if none is configured */
    private String captionsUri(Configuration conf) {
        String f = cfg.captionsFile();
        if (f == null || f.isBlank()) {
            return null;
        }
        Path p = new Path(f);
        String uri = p.toUri().getScheme() != null || p.isAbsolute() ? f : Fs.child(cfg.path(), f);
        if (!Fs.exists(uri, conf)) {
            throw new InvalidInputException("data.captions_file " + uri + " does not exist");
        }
        return uri;
    }
}
