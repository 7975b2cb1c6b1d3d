package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * The protocol half of a call that the partition caller needs: is a 2xx body a well-formed reply of this
 * protocol, and how many tokens did it use. Content problems (no choices, an undecodable image) are not decided
 * here; they become error rows when the reply is converted, and the reply stays cached.
 */
public interface ReplyCheck extends Serializable {

    /**
     * @param body a 2xx response body
     * @return the parsed reply
     * @throws MalformedReplyException when the body is not this protocol's JSON (retried as a transport fault)
     */
    JsonNode check(byte[] body) throws MalformedReplyException;

    /**
     * @param reply a checked reply
     * @return total tokens it used, or -1 when the protocol does not report them
     */
    default long tokens(JsonNode reply) {
        return -1;
    }

    /** A 2xx body that is not a reply of the protocol. */
    final class MalformedReplyException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message what was wrong, one line */
        public MalformedReplyException(String message) {
            super(message);
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
