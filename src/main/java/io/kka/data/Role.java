package io.kka.data;

import java.util.Locale;

/** What a row of the samples table is for. */
public enum Role {
    /** a normal image of the task, for training (split train) or for the hard threshold (split val) */
    NORMAL,
    /** a labelled training image of a non-normal class; never trains the detector, only feeds the embedded
     * image generator's bank */
    AUXILIARY,
    /** an evaluation image, normal (label 0) or anomaly (label 1); never used for any decision */
    TEST,
    /** a generated anomaly */
    GENERATED;

    /** @return the value stored in the table */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
