package io.kka.generate;

import io.kka.data.SampleSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the frames that flow between the generation stages (Eq. 3–4):
 * prompts → {@link DescriptionGenerator} → descriptions → {@link ImageRenderer} → generated sample rows
 * ({@link SampleSchema}, role generated).
 */
public final class GenerationSchemas {
    /**
     * One chat request per row. {@code prompt} is the user message (the template filled with the normal
     * examples), {@code system} an optional system message, {@code seed} the request seed.
     */
    public static final StructType PROMPTS = new StructType(new StructField[] {
        DataTypes.createStructField("prompt_id", DataTypes.StringType, false),
        DataTypes.createStructField("iteration", DataTypes.IntegerType, false),
        DataTypes.createStructField("system", DataTypes.StringType, true),
        DataTypes.createStructField("prompt", DataTypes.StringType, false),
        DataTypes.createStructField("examples", DataTypes.createArrayType(DataTypes.StringType, false), false),
        DataTypes.createStructField("seed", DataTypes.LongType, false),
    });

    /**
     * One description per row; a prompt that failed gives one row with a null description and an error struct.
     * {@code usage} is the usage of the request, attributed to the first description of the reply (others get
     * zero counts) so that sums are exact.
     */
    public static final StructType DESCRIPTIONS = new StructType(new StructField[] {
        DataTypes.createStructField("description_id", DataTypes.StringType, false),
        DataTypes.createStructField("prompt_id", DataTypes.StringType, false),
        DataTypes.createStructField("iteration", DataTypes.IntegerType, false),
        DataTypes.createStructField("description", DataTypes.StringType, true),
        DataTypes.createStructField("llm_model", DataTypes.StringType, false),
        DataTypes.createStructField("seed", DataTypes.LongType, false),
        DataTypes.createStructField("usage", SampleSchema.USAGE, true),
        DataTypes.createStructField("error", SampleSchema.ERROR, true),
    });

    private GenerationSchemas() {
    }
}
