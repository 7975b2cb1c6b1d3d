package io.kka.data;

import java.util.Locale;

/** The split of a row. Validation normals set the hard threshold; test rows only measure. */
public enum Split {
    /** training */
    TRAIN,
    /** held-out validation normals */
    VAL,
    /** evaluation */
    TEST;

    /** @return the value stored in the table */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
