package io.kka.loop;

/**
 * A stage of an iteration failed as a whole (for example an endpoint answered most rows with errors): the iteration
 * is not committed, and {@code kka} exits 1 with this one-line message.
 */
public final class StageFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: the stage, the counts, the budget, the first error */
    public StageFailedException(String message) {
        super(message);
    }
}
