package io.kka.ml;

import static org.apache.spark.sql.functions.col;

import io.kka.data.Columns;
import io.kka.data.SampleImages;
import io.kka.detect.DeepSadModel;
import io.kka.detect.Detector;
import io.kka.detect.Detectors;
import io.kka.store.Fs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted detector as a Spark ML {@link Model}: {@code transform} appends the anomaly score
 * ({@link Detector#score}, on the executors) as {@link #outputCol()}, keeping every input column. Saved as the
 * stage metadata plus the detector in {@value #DETECTOR} ({@link Detectors#save}'s layout, so
 * {@link Detectors#load} and {@code kka score --model} read it too).
 *
 * @param <M> the model's own type
 */
public abstract class AbstractDetectorModel<M extends AbstractDetectorModel<M>> extends Model<M>
        implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** the sub-directory of a saved model that holds its detector */
    public static final String DETECTOR = "detector";
    /** the column names a detector reads or writes itself; other columns of those names are moved aside */
    private static final List<String> RESERVED = List.of(Columns.IMAGE, Columns.SAMPLE_ID, Columns.SCORE,
            DeepSadModel.FEATURES);
    private final String uid;
    private final Detector detector;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> idCol;

    /**
     * @param uid      the uid (its estimator's)
     * @param detector the fitted detector
     */
    protected AbstractDetectorModel(String uid, Detector detector) {
        if (detector == null) {
            throw new IllegalArgumentException("a detector model needs a detector");
        }
        this.uid = uid;
        this.detector = detector;
        inputCol = new Param<>(this, "inputCol", "column of PNG images (binary) at the detector's input shape");
        outputCol = new Param<>(this, "outputCol", "anomaly score column appended (double, higher is more"
                + " anomalous)");
        idCol = new Param<>(this, "idCol", "optional row id (cast to string) that names bad rows in errors");
        setDefault(inputCol, Columns.IMAGE);
        setDefault(outputCol, Columns.SCORE);
        setDefault(idCol, Columns.SAMPLE_ID);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the fitted detector (for saving in the job's own layout, inspection, embedding) */
    public Detector detector() {
        return detector;
    }

    /** @return the detector's kind, e.g. deep-sad */
    public String kind() {
        return detector.kind();
    }

    /** @return a short description, e.g. "Deep SAD (lenet28, rep 64)" */
    public String describe() {
        return detector.describe();
    }

    /** @return this, as the subclass */
    @SuppressWarnings("unchecked")
    protected final M self() {
        return (M) this;
    }

    /**
     * Scores on the executors.
     *
     * @param dataset rows with {@link #inputCol()} (a null image fails the task, naming the row by {@link #idCol()})
     * @return every input column, then {@link #outputCol()}
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> in = dataset.toDF();
        if (getInputCol().equals(Columns.IMAGE) && SampleImages.byUri(in)) {
            // a samples table stored by URI: each image is read and decoded on the executor that scores it
            in = SampleImages.resolve(in);
        }
        StructType schema = in.schema();
        // the detector reads image and sample_id and appends score (and features on the way): the input and id
        // columns are handed over under those names, and other columns so named step aside under a private name
        boolean imageInPlace = getInputCol().equals(Columns.IMAGE);
        boolean hasId = Schemas.has(schema, getIdCol());
        boolean idInPlace = hasId && getIdCol().equals(Columns.SAMPLE_ID)
                && schema.apply(getIdCol()).dataType().sameType(DataTypes.StringType);
        String tag = "__" + uid + "_";
        Map<String, String> aside = new LinkedHashMap<>();
        for (String c : in.columns()) {
            boolean inPlace = c.equals(Columns.IMAGE) && imageInPlace || c.equals(Columns.SAMPLE_ID) && idInPlace;
            if (RESERVED.contains(c) && !inPlace) {
                aside.put(c, tag + c);
                in = in.withColumnRenamed(c, tag + c);
            }
        }
        if (!imageInPlace) {
            in = in.withColumn(Columns.IMAGE, col(aside.getOrDefault(getInputCol(), getInputCol())));
        }
        if (hasId && !idInPlace) {
            in = in.withColumn(Columns.SAMPLE_ID, col(aside.getOrDefault(getIdCol(), getIdCol()))
                    .cast(DataTypes.StringType));
        }
        Dataset<Row> out = detector.score(in);
        if (!imageInPlace) {
            out = out.drop(Columns.IMAGE);
        }
        if (hasId && !idInPlace) {
            out = out.drop(Columns.SAMPLE_ID);
        }
        out = out.withColumnRenamed(Columns.SCORE, getOutputCol());
        for (Map.Entry<String, String> e : aside.entrySet()) {
            out = out.withColumnRenamed(e.getValue(), e.getKey());
        }
        return out;
    }

    /** Checks the input image column (binary) and that the output column is new. */
    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireType(schema, getInputCol(), DataTypes.BinaryType, "PNG images");
        Schemas.requireAbsent(schema, getOutputCol());
        return schema.add(getOutputCol(), DataTypes.DoubleType, false);
    }

    /** @return a writer of the params and the detector (into {@value #DETECTOR}) */
    @Override
    public MLWriter write() {
        return StageIO.writer(this, (path, spark) -> Detectors.save(detector, Fs.child(path, DETECTOR), false,
                spark.sparkContext().hadoopConfiguration()));
    }

    /**
     * @param path  a directory written by {@link #write()}
     * @param spark the session
     * @return its detector
     */
    static Detector readDetector(String path, SparkSession spark) {
        return Detectors.load(Fs.child(path, DETECTOR), spark);
    }

    // ---- params

    /** @return the image column param (default {@code image}) */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the score column param (default {@code score}) */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the id column param (default {@code sample_id}) */
    public Param<String> idCol() {
        return idCol;
    }

    /** @return the image column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @param v the image column; returns this */
    public M setInputCol(String v) {
        set(inputCol, v);
        return self();
    }

    /** @return the score column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @param v the score column; returns this */
    public M setOutputCol(String v) {
        set(outputCol, v);
        return self();
    }

    /** @return the id column */
    public String getIdCol() {
        return getOrDefault(idCol);
    }

    /** @param v the id column; returns this */
    public M setIdCol(String v) {
        set(idCol, v);
        return self();
    }
}
