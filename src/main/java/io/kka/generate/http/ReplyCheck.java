package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * The protocol half of a call that the partition caller needs: is a 2xx body a usable reply of this protocol, and
 * how many tokens did it use. A reply is accepted (and only then cached) when it parses and carries content: no
 * choices, no message content, an {@code error} object inside a 200, or an image that is missing, truncated or
 * undecodable are transient content faults, retried within the row's budget like a 5xx. A refusal (a content filter,
 * an image over the pixel cap) is final: the row fails at once and says so.
 */
public interface ReplyCheck extends Serializable {

    /**
     * @param body a 2xx response body
     * @return the parsed reply
     * @throws MalformedReplyException when the body is not a usable reply (retried as a transport fault), or is
     *                                  a refusal (not retried)
     */
    JsonNode check(byte[] body) throws MalformedReplyException;

    /**
     * @param reply a checked reply
     * @return total tokens it used, or -1 when the protocol does not report them
     */
    default long tokens(JsonNode reply) {
        return -1;
    }

    /** A 2xx body that is not a reply of the protocol, or one refused outright. */
    final class MalformedReplyException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        /** @param message what was wrong, one line; retried as a transport fault */
        public MalformedReplyException(String message) {
            this(message, true);
        }

        /**
         * @param message   what was wrong, one line
         * @param retryable false when the same request would get the same refused answer
         */
        public MalformedReplyException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** @return whether a retry may help */
        public boolean retryable() {
            return retryable;
        }

        /**
         * @param e a JSON parse failure
         * @return its message without Jackson's source excerpt
         */
        public static String describe(java.io.IOException e) {
            return e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : String.valueOf(e.getMessage());
        }
    }
}
