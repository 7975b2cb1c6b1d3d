package io.kka.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.kka.data.Columns;
import io.kka.data.Role;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The semi-supervised target y of Deep SAD (the reference's {@code semi_target}), stored in the integer column
 * {@value #COLUMN}.
 */
public enum SadLabel {
    /** labelled anomaly: η·(d + ε)⁻¹ */
    ANOMALY(-1),
    /** unlabelled (treated as normal): d */
    UNLABELLED(0),
    /** labelled normal: η·(d + ε) */
    NORMAL(1);

    /** the training frame's column holding y */
    public static final String COLUMN = "sad_label";

    private final int value;

    SadLabel(int value) {
        this.value = value;
    }

    /** @return y as stored: −1, 0 or +1 */
    public int value() {
        return value;
    }

    /**
     * @param y a stored value
     * @return the label
     * @throws IllegalArgumentException for anything but −1, 0, +1
     */
    public static SadLabel of(int y) {
        for (SadLabel l : values()) {
            if (l.value == y) {
                return l;
            }
        }
        throw new IllegalArgumentException(COLUMN + " must be -1, 0 or 1, found " + y);
    }

    /**
     * y derived from the samples table's role, the setting of the paper: training normals are unlabelled (0),
     * generated anomalies are labelled anomalies (−1); any other role gives null, which {@code fit} rejects.
     *
     * @return a column expression
     */
    public static Column fromRole() {
        return when(col(Columns.ROLE).equalTo(Role.NORMAL.value()), UNLABELLED.value)
                .when(col(Columns.ROLE).equalTo(Role.GENERATED.value()), ANOMALY.value);
    }

    /**
     * @param samples rows of the samples table
     * @return the rows with {@value #COLUMN} derived from {@code role} (replacing an existing one)
     */
    public static Dataset<Row> withLabelFromRole(Dataset<Row> samples) {
        return samples.withColumn(COLUMN, fromRole());
    }
}
