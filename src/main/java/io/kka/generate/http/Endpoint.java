package io.kka.generate.http;

import io.kka.config.HttpConfig;
import io.kka.config.SecretRef;
import java.io.Serializable;
import java.net.URI;

/**
 * One HTTP endpoint as the partition caller sees it: protocol, base URL, model, credentials reference and call
 * settings. Serializable; the secret travels as a reference and is resolved on the executor.
 *
 * @param kind     protocol
 * @param baseUrl  base URL without the protocol path, e.g. {@code http://127.0.0.1:8000/v1}
 * @param model    model name sent with (or, for AUTOMATIC1111, recorded for) each request
 * @param apiKey   secret reference for {@code Authorization: Bearer}; null sends no header
 * @param provider provider name used in provenance ("openai", "automatic1111")
 * @param http     concurrency, rates, retries, timeouts, deadline, cache
 */
public record Endpoint(EndpointKind kind, String baseUrl, String model, SecretRef apiKey, String provider,
        HttpConfig http) implements Serializable {

    /** Normalises the base URL (no trailing slash) and checks it. */
    public Endpoint {
        if (kind == null || http == null || model == null || provider == null) {
            throw new IllegalArgumentException("endpoint kind, model, provider and http settings are required");
        }
        if (baseUrl == null || !baseUrl.matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("base_url must be an http(s) URL, found " + baseUrl);
        }
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    /** @return the full request URI */
    public URI uri() {
        return URI.create(baseUrl + "/" + kind.path());
    }

    /**
     * The key of the executor-wide limits: the same endpoint with the same limits shares one semaphore and one
     * pair of rate buckets in a JVM, whichever task or stage uses it.
     *
     * @return a key without secrets
     */
    public String limitsKey() {
        return kind.label() + "|" + baseUrl + "|" + model + "|c" + http.concurrency() + "|r"
                + http.requestsPerMinute() + "|t" + http.tokensPerMinute() + "|ct" + http.connectTimeoutS();
    }

    /** @return "provider:model", the prefix of generated rows' {@code source} */
    public String label() {
        return provider + ":" + model;
    }
}
