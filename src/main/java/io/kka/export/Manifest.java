package io.kka.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The fields of an exported image: the lines of {@code manifest.jsonl}, mirrored in
 * {@code data-schemas/anomaly-manifest.schema.json}. Every line holds every field, null where it does not apply.
 */
public final class Manifest {
    /** the samples table's sample_id */
    public static final String SAMPLE_ID = "sample_id";
    /** the image file, relative to the manifest ({@code images/anomaly/<name>.png}) */
    public static final String PATH = "path";
    /** {@link #NORMAL} or {@link #ANOMALY} */
    public static final String ROLE = "role";
    /** dataset class (for generated anomalies: the embedded generator's matched class, else null) */
    public static final String CLASS_NAME = "class_name";
    /** a normal's primary caption; an anomaly's generated description */
    public static final String CAPTION = "caption";
    /** the KKA iteration that generated an anomaly (null for normals) */
    public static final String ITERATION = "iteration";
    /** hard or easy, by {@link #JUDGED_BY} (null for normals) */
    public static final String HARDNESS = "hardness";
    /** the score of {@link #JUDGED_BY}, squared distance to its centre (null for normals) */
    public static final String SCORE = "score";
    /** whether the anomaly belongs to the final anomaly set A_T */
    public static final String IN_FINAL_SET = "in_final_set";
    /** the evaluator behind score and hardness: {@code E_T} for A_T, the iteration's held-out judge otherwise */
    public static final String JUDGED_BY = "judged_by";
    /** role of a training normal */
    public static final String NORMAL = "normal";
    /** role of a generated anomaly */
    public static final String ANOMALY = "anomaly";
    /** the manifest's file name in OUT */
    public static final String FILE = "manifest.jsonl";

    /** the fields in the order every line writes them */
    static final String[] FIELDS = {SAMPLE_ID, PATH, ROLE, CLASS_NAME, CAPTION, ITERATION, HARDNESS, SCORE,
        IN_FINAL_SET, JUDGED_BY};

    private Manifest() {
    }

    /**
     * @param rows exported rows holding every field of {@link #FIELDS}
     * @return one JSON object per row (column {@code value}), null fields written as {@code null}, ordered normals
     *         first, then anomalies by iteration and sample id
     */
    static Dataset<Row> lines(Dataset<Row> rows) {
        Column[] fields = new Column[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            fields[i] = col(FIELDS[i]);
        }
        // one partition of text lines only (the images are written by the executors): a single manifest file
        return rows.select(to_json(struct(fields), Map.of("ignoreNullFields", "false")).as("value"), col(ROLE),
                        col(ITERATION), col(SAMPLE_ID))
                .repartition(1)
                .sortWithinPartitions(col(ROLE).desc(), col(ITERATION).asc_nulls_first(), col(SAMPLE_ID))
                .select(col("value"));
    }
}
