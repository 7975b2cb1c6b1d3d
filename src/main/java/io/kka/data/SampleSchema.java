package io.kka.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The Spark schema of the canonical samples table (Parquet); JSON Schema twin in data-schemas/. */
public final class SampleSchema {
    /** usage struct of a generated row */
    public static final StructType USAGE = new StructType(new StructField[] {
        DataTypes.createStructField("requests", DataTypes.IntegerType, false),
        DataTypes.createStructField("retries", DataTypes.IntegerType, false),
        DataTypes.createStructField("prompt_tokens", DataTypes.LongType, false),
        DataTypes.createStructField("completion_tokens", DataTypes.LongType, false),
        DataTypes.createStructField("images", DataTypes.IntegerType, false),
        DataTypes.createStructField("cached", DataTypes.BooleanType, false),
        DataTypes.createStructField("cost", DataTypes.DoubleType, false),
    });

    /** error struct of a failed generation row */
    public static final StructType ERROR = new StructType(new StructField[] {
        DataTypes.createStructField("stage", DataTypes.StringType, false),
        DataTypes.createStructField("status", DataTypes.IntegerType, true),
        DataTypes.createStructField("message", DataTypes.StringType, false),
        DataTypes.createStructField("attempts", DataTypes.IntegerType, false),
    });

    /** the samples table */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(Columns.SAMPLE_ID, DataTypes.StringType, false),
        DataTypes.createStructField(Columns.ROLE, DataTypes.StringType, false),
        DataTypes.createStructField(Columns.SPLIT, DataTypes.StringType, false),
        DataTypes.createStructField(Columns.LABEL, DataTypes.IntegerType, false),
        DataTypes.createStructField(Columns.CLASS_NAME, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.CAPTION, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.CAPTIONS, DataTypes.createArrayType(DataTypes.StringType, false), true),
        DataTypes.createStructField(Columns.IMAGE, DataTypes.BinaryType, true),
        DataTypes.createStructField(Columns.WIDTH, DataTypes.IntegerType, true),
        DataTypes.createStructField(Columns.HEIGHT, DataTypes.IntegerType, true),
        DataTypes.createStructField(Columns.CHANNELS, DataTypes.IntegerType, true),
        DataTypes.createStructField(Columns.SOURCE, DataTypes.StringType, false),
        DataTypes.createStructField(Columns.ITERATION, DataTypes.IntegerType, true),
        DataTypes.createStructField(Columns.PROMPT_ID, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.LLM_MODEL, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.IMAGE_MODEL, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.SEED, DataTypes.LongType, true),
        DataTypes.createStructField(Columns.USAGE, USAGE, true),
        DataTypes.createStructField(Columns.ERROR, ERROR, true),
        DataTypes.createStructField(Columns.SCORE, DataTypes.DoubleType, true),
        DataTypes.createStructField(Columns.HARDNESS, DataTypes.StringType, true),
        DataTypes.createStructField(Columns.IMAGE_URI, DataTypes.StringType, true),
    });

    private SampleSchema() {
    }

    /**
     * Brings a frame to the canonical column order, adding missing nullable columns as typed nulls.
     *
     * @param df a frame holding at least the non-nullable columns
     * @return the frame with exactly the columns of {@link #SCHEMA}
     * @throws IllegalArgumentException naming the first missing required column or wrongly typed column
     */
    public static Dataset<Row> conform(Dataset<Row> df) {
        List<String> present = Arrays.asList(df.columns());
        List<Column> cols = new ArrayList<>();
        for (StructField f : SCHEMA.fields()) {
            if (present.contains(f.name())) {
                var actual = df.schema().apply(f.name()).dataType();
                if (!actual.sameType(f.dataType()) && !(actual instanceof StructType)) {
                    throw new IllegalArgumentException("Column " + f.name() + " must be of type "
                            + f.dataType().simpleString() + " but was actually " + actual.simpleString() + ".");
                }
                cols.add(col(f.name()).cast(f.dataType()).as(f.name()));
            } else if (f.nullable()) {
                cols.add(lit(null).cast(f.dataType()).as(f.name()));
            } else {
                throw new IllegalArgumentException("Column " + f.name() + " is required but missing; found "
                        + present);
            }
        }
        return df.select(cols.toArray(new Column[0]));
    }

    /**
     * @param df       a frame
     * @param required column names that must be present
     * @throws IllegalArgumentException in Spark's SchemaUtils wording
     */
    public static void require(Dataset<Row> df, String... required) {
        List<String> present = Arrays.asList(df.columns());
        for (String r : required) {
            if (!present.contains(r)) {
                throw new IllegalArgumentException("Column " + r + " does not exist. Available: " + present);
            }
        }
    }
}
