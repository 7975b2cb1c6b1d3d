package io.kka.data;

/** One input record that cannot be used; the message names the record and the rule. */
public final class BadRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message "{record}: {rule}" */
    public BadRecordException(String message) {
        super(message, null, false, false);
    }
}
