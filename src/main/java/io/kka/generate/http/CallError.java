package io.kka.generate.http;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Why a row failed, as stored in the {@code error} struct of {@link io.kka.data.SampleSchema#ERROR}.
 *
 * @param stage    generation stage: describe or render
 * @param status   last HTTP status, or null when no response arrived (timeout, reset, deadline)
 * @param message  one line; never contains a secret
 * @param attempts HTTP attempts made for the row (0 when the deadline passed before the first)
 */
public record CallError(String stage, Integer status, String message, int attempts) implements Serializable {

    /** @return the struct value */
    public Row toRow() {
        return RowFactory.create(stage, status, message, attempts);
    }

    /**
     * @param row an error struct value (may be null)
     * @return the error, or null
     */
    public static CallError fromRow(Row row) {
        if (row == null) {
            return null;
        }
        return new CallError(row.getString(0), row.isNullAt(1) ? null : row.getInt(1), row.getString(2),
                row.getInt(3));
    }
}
