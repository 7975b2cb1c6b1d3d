package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one row's call: a checked reply or an error, with how it was obtained.
 *
 * @param reply    the parsed reply (null on error)
 * @param error    why the row failed (null on success)
 * @param attempts HTTP attempts made (0 for a cache hit)
 * @param retries  of which retries
 * @param cached   the reply came from the response cache
 */
public record CallResult(JsonNode reply, CallError error, int attempts, int retries, boolean cached) {

    /** @return true if a reply arrived */
    public boolean ok() {
        return error == null;
    }
}
