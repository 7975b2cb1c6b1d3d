package io.kka.data.readers;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A manifest of images: CSV (with a header), JSONL or Parquet, chosen by the file name ({@code .csv},
 * {@code .jsonl}/{@code .ndjson}/{@code .json}, {@code .parquet} or a Parquet directory; {@code .gz} allowed for
 * text). Columns: {@code image_uri} (relative to the manifest's directory, absolute, or any Hadoop URI),
 * {@code class_name}, optional {@code caption} (JSONL/Parquet may also hold {@code captions}, an array) and
 * optional {@code split} (train, val or test). Other columns are ignored.
 *
 * <p>The manifest is parsed and its images loaded on executors; a bad row (missing image file, empty class,
 * unknown split, malformed line) becomes a bad record named "manifest.csv row 17 (x.png): …". Class names are the
 * distinct {@code class_name} values in sorted order (indices in {@code task.normal_classes} refer to it).
 */
public final class ManifestReader implements DatasetReader {
    private final DataConfig cfg;

    /** @param cfg data config; {@code path} is the manifest file */
    public ManifestReader(DataConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        return ImageFiles.load(spark, refs(spark));
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        List<String> names = new ArrayList<>(refs(spark).map(ImageRef::className).filter(c -> c != null)
                .distinct().collect());
        if (names.isEmpty()) {
            throw new InvalidInputException(cfg.path() + ": the manifest holds no rows with a class_name");
        }
        names.sort(null);
        return names;
    }

    /** @return one reference per manifest row, parsed on executors */
    JavaRDD<ImageRef> refs(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String uri = DatasetReader.requirePath(cfg.path(), conf, "the manifest file");
        Path p = Fs.fs(uri, conf).makeQualified(new Path(uri));
        List<String> roots = new ArrayList<>();
        roots.add(ManifestRows.root(p.getParent().toString()));
        for (String r : cfg.allowedImageRoots()) {
            roots.add(ManifestRows.root(Fs.fs(r, conf).makeQualified(new Path(r)).toString()));
        }
        ManifestRows rows = new ManifestRows(p.getName(), p.getParent().toString(), List.copyOf(roots));
        String format = TextLines.formatName(uri);
        boolean dir = isDirectory(p, conf);
        if (format.endsWith(".parquet") || dir) {
            return parquet(spark, p.toString(), uri, rows);
        } else if (format.endsWith(".csv")) {
            return csv(spark, p.toString(), uri, rows, conf);
        } else if (format.endsWith(".jsonl") || format.endsWith(".ndjson") || format.endsWith(".json")) {
            return TextLines.numbered(spark, p.toString()).filter(t -> !t._2().isBlank())
                    .mapPartitions(it -> {
                        ObjectMapper mapper = new ObjectMapper();
                        List<ImageRef> out = new ArrayList<>();
                        it.forEachRemaining(t -> out.add(rows.json(t._1(), t._2(), mapper)));
                        return out.iterator();
                    });
        }
        throw new InvalidInputException("data.path " + uri + ": a manifest must end in .csv, .jsonl, .ndjson,"
                + " .json or .parquet (optionally .gz for text)");
    }

    private static boolean isDirectory(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf).getFileStatus(p).isDirectory();
        } catch (java.io.IOException e) {
            throw new InvalidInputException(p + ": cannot read (" + ImageFiles.oneLine(e) + ")");
        }
    }

    private static JavaRDD<ImageRef> csv(SparkSession spark, String qualified, String uri, ManifestRows rows,
            Configuration conf) {
        String header = TextLines.firstLine(qualified, conf);
        if (header == null || header.isBlank()) {
            throw new InvalidInputException(uri + ": empty manifest (expected a header line with image_uri,"
                    + " class_name[, caption][, split])");
        }
        List<String> cols;
        try {
            cols = Csv.parse(header);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(uri + " line 1: header is not valid CSV (" + e.getMessage() + ")");
        }
        int uriCol = required(uri, cols, "image_uri");
        int classCol = required(uri, cols, "class_name");
        int captionCol = Csv.indexOf(cols, "caption");
        int splitCol = Csv.indexOf(cols, "split");
        int width = cols.size();
        return TextLines.numbered(spark, qualified).filter(t -> t._1() > 1 && !t._2().isBlank())
                .map(t -> rows.csv(t._1() - 1, t._2(), uriCol, classCol, captionCol, splitCol, width));
    }

    private static int required(String uri, List<String> header, String column) {
        int i = Csv.indexOf(header, column);
        if (i < 0) {
            throw new InvalidInputException(uri + ": header lacks column " + column + " (found: "
                    + String.join(", ", header) + ")");
        }
        return i;
    }

    private static JavaRDD<ImageRef> parquet(SparkSession spark, String qualified, String uri, ManifestRows rows) {
        Dataset<Row> df = spark.read().parquet(qualified);
        StructType s = df.schema();
        List<String> names = Arrays.asList(s.fieldNames());
        for (String c : new String[] {"image_uri", "class_name"}) {
            if (!names.contains(c)) {
                throw new InvalidInputException(uri + ": lacks column " + c + " (found: " + String.join(", ", names)
                        + ")");
            }
        }
        Column none = org.apache.spark.sql.functions.lit(null).cast(DataTypes.StringType);
        Column noList = org.apache.spark.sql.functions.lit(null).cast(DataTypes.createArrayType(DataTypes.StringType));
        Column caption = names.contains("caption") ? captionColumn(uri, s.apply("caption").dataType()) : noList;
        Column captions = names.contains("captions") ? col("captions").cast(DataTypes.createArrayType(
                DataTypes.StringType)) : noList;
        Dataset<Row> sel = df.select(col("image_uri").cast(DataTypes.StringType),
                col("class_name").cast(DataTypes.StringType),
                org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.coalesce(caption, noEmpty()),
                        org.apache.spark.sql.functions.coalesce(captions, noEmpty())),
                names.contains("split") ? col("split").cast(DataTypes.StringType) : none);
        return sel.javaRDD().zipWithIndex().map(t -> {
            Row r = t._1();
            List<String> caps = r.isNullAt(2) ? List.of() : r.getList(2);
            String[] arr = caps.stream().filter(c -> c != null && !c.isBlank()).map(String::strip)
                    .toArray(String[]::new);
            return rows.ref(t._2() + 1, r.getString(0), r.getString(1), arr.length == 0 ? null : arr,
                    r.getString(3));
        });
    }

    private static Column captionColumn(String uri, DataType type) {
        if (type instanceof ArrayType) {
            return col("caption").cast(DataTypes.createArrayType(DataTypes.StringType));
        }
        if (!type.equals(DataTypes.StringType)) {
            throw new InvalidInputException(uri + ": column caption must be a string or an array of strings, found "
                    + type.simpleString());
        }
        return org.apache.spark.sql.functions.array(col("caption"));
    }

    private static Column noEmpty() {
        return org.apache.spark.sql.functions.array().cast(DataTypes.createArrayType(DataTypes.StringType));
    }
}
