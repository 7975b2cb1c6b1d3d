package io.kka.data;

/**
 * Input the job cannot work with (a missing path, an unknown class, an empty normal set, bad records under
 * {@code on_bad_record: fail}). The CLI prints the message and exits with code 2.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the file, row or key and the rule */
    public InvalidInputException(String message) {
        super(message);
    }
}
