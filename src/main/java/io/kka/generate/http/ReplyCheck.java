package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * The protocol half of a call that the partition caller needs: is a 2xx body a well-formed reply of this
 * protocol, and how many tokens did it use. Content problems (no choices, an undecodable image) are not decided
 * here; they become error rows when the reply is converted, and the reply stays cached. One content check is made
 * here, because it must come before the cache and before any decoding: an image whose header declares more pixels
 * than the cap.
 */
public interface ReplyCheck extends Serializable {

    /**
     * @param body a 2xx response body
     * @return the parsed reply
     * @throws MalformedReplyException when the body is not this protocol's JSON (retried as a transport fault), or
     *                                  is refused outright (an image over the pixel cap: not retried)
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
