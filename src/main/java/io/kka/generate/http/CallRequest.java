package io.kka.generate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One HTTP request of one row, with its cache key.
 *
 * @param rowId           the row's id (prompt id, description id), named in error messages
 * @param body            the JSON body, serialised once so that the cache key and the wire bytes agree
 * @param cacheKey        SHA-256 hex of (endpoint kind, base URL, model, seed, body); never covers a secret
 * @param estimatedTokens tokens reserved in the tokens-per-minute bucket before the call (0 for images)
 */
public record CallRequest(String rowId, byte[] body, String cacheKey, long estimatedTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Builds a request. The body is serialised in the order the protocol built it, which is fixed by code, so
     * equal requests give equal bytes and equal keys.
     *
     * @param endpoint        the endpoint
     * @param rowId           the row's id
     * @param body            the JSON body (holding the seed where the protocol has one)
     * @param seed            the request seed, part of the key also for protocols without a seed field
     * @param estimatedTokens tokens to reserve, >= 0
     * @return the request
     */
    public static CallRequest of(Endpoint endpoint, String rowId, ObjectNode body, long seed, long estimatedTokens) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise request body of " + rowId, e);
        }
        return new CallRequest(rowId, bytes, key(endpoint, seed, bytes), estimatedTokens);
    }

    /**
     * @param endpoint the endpoint
     * @param seed     request seed
     * @param body     canonical body bytes
     * @return 64 hex characters
     */
    static String key(Endpoint endpoint, long seed, byte[] body) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String head = endpoint.kind().label() + "\n" + endpoint.baseUrl() + "\n" + endpoint.model() + "\n"
                    + seed + "\n";
            md.update(head.getBytes(StandardCharsets.UTF_8));
            md.update(body);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
