package io.kka.tune;

/** A tuning job failed, was cancelled, timed out or could not be started; the message says which and why. */
public class TuningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed */
    public TuningException(String message) {
        super(message);
    }

    /** @param message what failed; @param cause the cause */
    public TuningException(String message, Throwable cause) {
        super(message, cause);
    }
}
