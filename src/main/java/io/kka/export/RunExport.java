package io.kka.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.kka.data.Columns;
import io.kka.data.InvalidInputException;
import io.kka.spark.Sessions;
import io.kka.store.Fs;
import io.kka.store.HadoopConf;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a completed run's training normals and anomalies (see {@link CompletedRun}) for other detectors, in an
 * {@link ExportFormat}. Image files are written by the executors ({@link ImageFileWriter}); only the manifest's text
 * lines pass through one task, to make one file. Everything is written into a temporary sibling of OUT, renamed to
 * OUT at the end (atomic on local file systems and HDFS; a copy on s3a), and {@code OUT/_SUCCESS} is written last,
 * so an OUT without it is not a finished export.
 *
 * <pre>{@code
 * RunExport.Summary s = RunExport.of(ExportFormat.ANOMALIB_FOLDER).withAllIterations(true)
 *         .write(spark, new RunLayout("hdfs:///runs/kka-1"), "hdfs:///exports/kka-1", false);
 * }</pre>
 */
public final class RunExport {
    /** the marker written last into a finished export */
    public static final String SUCCESS = "_SUCCESS";
    private static final Logger LOG = LoggerFactory.getLogger(RunExport.class);

    private final ExportFormat format;
    private final boolean allIterations;

    private RunExport(ExportFormat format, boolean allIterations) {
        this.format = format;
        this.allIterations = allIterations;
    }

    /**
     * @param format the layout to write
     * @return an export of the final anomaly set only
     */
    public static RunExport of(ExportFormat format) {
        return new RunExport(format, false);
    }

    /**
     * @param all also export every committed iteration's hard anomalies (default false)
     * @return a copy
     */
    public RunExport withAllIterations(boolean all) {
        return new RunExport(format, all);
    }

    /**
     * What an export wrote.
     *
     * @param out            the export directory
     * @param format         its layout
     * @param finalIteration T, whose anomaly set was exported
     * @param normals        normal images written
     * @param anomalies      anomaly images written
     */
    public record Summary(String out, ExportFormat format, int finalIteration, long normals, long anomalies) {
    }

    /**
     * @param spark     the session
     * @param run       a completed run directory
     * @param out       the export directory (any Hadoop FS URI), outside the run directory
     * @param overwrite replace an existing non-empty OUT
     * @return what was written
     * @throws InvalidInputException for a missing, foreign or incomplete run, an OUT inside the run directory, or
     *                               an existing non-empty OUT without overwrite
     */
    public Summary write(SparkSession spark, RunLayout run, String out, boolean overwrite) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        CompletedRun source = CompletedRun.open(run, conf);
        refuseOverlap(run.root(), out, conf);
        refuseExisting(out, overwrite, conf);
        String tmp = Fs.tempSibling(out);
        Summary summary;
        try {
            summary = writeInto(spark, source, tmp, out);
        } catch (Exception e) {
            // Spark rethrows task failures as the checked SparkException: clean up on every failure
            Fs.delete(tmp, conf);
            throw e;
        }
        Fs.commit(tmp, out, true, conf);
        // last, one empty object: also where the rename above was a copy (s3a)
        touch(Fs.child(out, SUCCESS), conf);
        LOG.info("export: wrote {} ({}, {} normals, {} anomalies, final iteration {})", out, format.cli(),
                summary.normals(), summary.anomalies(), summary.finalIteration());
        return summary;
    }

    private Summary writeInto(SparkSession spark, CompletedRun source, String tmp, String out) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        mkdirs(Fs.child(tmp, format.normalDir()), conf);
        mkdirs(Fs.child(tmp, format.anomalyDir()), conf);
        Dataset<Row> normals = withPath(source.trainNormals(spark), format.normalDir());
        // read twice (files, then manifest lines and count) and deduplicated by a window: computed once
        Dataset<Row> anomalies = withPath(source.anomalies(spark, allIterations), format.anomalyDir())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            HadoopConf shipped = HadoopConf.of(spark);
            Sessions.describe(spark, "kka-export", "KKA · export · normal images");
            images(normals).foreachPartition(new ImageFileWriter(tmp, shipped));
            Sessions.describe(spark, "kka-export", "KKA · export · anomaly images");
            images(anomalies).foreachPartition(new ImageFileWriter(tmp, shipped));
            if (format == ExportFormat.MANIFEST) {
                Sessions.describe(spark, "kka-export", "KKA · export · manifest");
                manifest(normals.drop(Columns.IMAGE).unionByName(anomalies.drop(Columns.IMAGE)), tmp, conf);
            }
            return new Summary(out, format, source.finalIteration(), normals.count(), anomalies.count());
        } finally {
            anomalies.unpersist();
        }
    }

    private static Dataset<Row> withPath(Dataset<Row> rows, String dir) {
        var name = udf((UDF1<String, String>) FileNames::png, DataTypes.StringType);
        return rows.withColumn(Manifest.PATH, concat(lit(dir + "/"), name.apply(col(Manifest.SAMPLE_ID))));
    }

    private static Dataset<Row> images(Dataset<Row> rows) {
        return rows.select(col(Manifest.PATH), col(Manifest.SAMPLE_ID), col(Columns.IMAGE));
    }

    /** Writes the manifest lines as one part file and moves it to {@code tmp/manifest.jsonl}. */
    private static void manifest(Dataset<Row> rows, String tmp, Configuration conf) {
        String parts = Fs.child(tmp, "_manifest");
        Manifest.lines(rows).write().mode(SaveMode.ErrorIfExists).text(parts);
        Path target = new Path(Fs.child(tmp, Manifest.FILE));
        try {
            // moved by the raw file system: the part file's .crc stays behind in _manifest and goes with it
            FileSystem fs = ImageFileWriter.withoutChecksums(target.getFileSystem(conf));
            Path part = null;
            for (FileStatus s : fs.listStatus(new Path(parts))) {
                if (s.isFile() && s.getPath().getName().startsWith("part-")) {
                    part = s.getPath();
                }
            }
            if (part == null) {
                fs.create(target, false).close();
            } else if (!fs.rename(part, target)) {
                throw new IOException("rename " + part + " -> " + target + " failed");
            }
            fs.delete(new Path(parts), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** OUT inside the run directory (or containing it) would let --overwrite replace run data. */
    private static void refuseOverlap(String runDir, String out, Configuration conf) {
        String r = qualified(runDir, conf);
        String o = qualified(out, conf);
        if (o.equals(r) || o.startsWith(r + "/") || r.startsWith(o + "/")) {
            throw new InvalidInputException("--out " + out + " must lie outside the run directory " + runDir
                    + " and not contain it");
        }
    }

    private static void refuseExisting(String out, boolean overwrite, Configuration conf) {
        Path p = new Path(out);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!overwrite && fs.exists(p) && (!fs.getFileStatus(p).isDirectory() || fs.listStatus(p).length > 0)) {
                throw new InvalidInputException(out + " already exists and is not empty (use --overwrite to replace"
                        + " it)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + out, e);
        }
    }

    private static String qualified(String uri, Configuration conf) {
        Path p = new Path(uri);
        return Fs.fs(uri, conf).makeQualified(p).toString().replaceAll("/+$", "");
    }

    private static void touch(String file, Configuration conf) {
        Path p = new Path(file);
        try {
            ImageFileWriter.withoutChecksums(p.getFileSystem(conf)).create(p, true).close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void mkdirs(String dir, Configuration conf) {
        try {
            Fs.fs(dir, conf).mkdirs(new Path(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
