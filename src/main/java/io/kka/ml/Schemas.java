package io.kka.ml;

import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The column checks of {@code transformSchema}, one line each and in the wording of Spark's {@code SchemaUtils}
 * ("Column image must be of type binary but was actually string."), so a pipeline fails before any job runs.
 */
final class Schemas {
    private Schemas() {
    }

    /** @return whether the schema has the column */
    static boolean has(StructType schema, String column) {
        return Arrays.asList(schema.fieldNames()).contains(column);
    }

    /**
     * @param schema the input schema
     * @param column the column
     * @param what   what the column holds, for the message ("PNG bytes")
     * @throws IllegalArgumentException if the column is missing
     */
    static DataType require(StructType schema, String column, String what) {
        if (!has(schema, column)) {
            throw new IllegalArgumentException("Column " + column + " (" + what + ") does not exist. Available: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(column).dataType();
    }

    /**
     * @param schema the input schema
     * @param column the column
     * @param type   the type it must have
     * @param what   what it holds
     * @throws IllegalArgumentException if it is missing or of another type
     */
    static void requireType(StructType schema, String column, DataType type, String what) {
        DataType actual = require(schema, column, what);
        if (!actual.sameType(type)) {
            throw new IllegalArgumentException("Column " + column + " (" + what + ") must be of type "
                    + type.simpleString() + " but was actually " + actual.simpleString() + ".");
        }
    }

    /**
     * @param schema the input schema
     * @param column the column
     * @param what   what it holds
     * @throws IllegalArgumentException if it is missing or not of an integer type (byte, short, int, long)
     */
    static void requireIntegral(StructType schema, String column, String what) {
        DataType actual = require(schema, column, what);
        if (!(actual.sameType(DataTypes.IntegerType) || actual.sameType(DataTypes.LongType)
                || actual.sameType(DataTypes.ShortType) || actual.sameType(DataTypes.ByteType))) {
            throw new IllegalArgumentException("Column " + column + " (" + what + ") must be of an integer type"
                    + " but was actually " + actual.simpleString() + ".");
        }
    }

    /**
     * @param schema the input schema
     * @param column an output column
     * @throws IllegalArgumentException if it exists already
     */
    static void requireAbsent(StructType schema, String column) {
        if (has(schema, column)) {
            throw new IllegalArgumentException("Output column " + column + " already exists.");
        }
    }
}
