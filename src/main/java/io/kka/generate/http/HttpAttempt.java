package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.SecretRef;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP attempt: POST the body, wait at most the timeout for the whole response, and classify what came back.
 * The API key goes only into the {@code Authorization} header; every message this class produces passes through
 * {@link #redact(String)}, because servers do echo headers back in error bodies.
 */
final class HttpAttempt {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final java.net.URI uri;
    private final HttpClient client;
    private final SecretRef.Secret secret;
    private final CappedBody bodies;

    HttpAttempt(Endpoint endpoint, HttpClient client, SecretRef.Secret secret) {
        this.uri = endpoint.uri();
        this.client = client;
        this.secret = secret;
        this.bodies = new CappedBody(endpoint.http().maxResponseBytes());
    }

    /**
     * What one attempt gave.
     *
     * @param status       HTTP status, or -1 when no response arrived
     * @param body         response body (null without a response)
     * @param message      one line for an error struct (already redacted)
     * @param retryable    whether a retry may help
     * @param retryAfterMs the server's wait hint
     */
    record Outcome(int status, byte[] body, String message, boolean retryable, Optional<Long> retryAfterMs) {
        Outcome malformed(String why, boolean retryable) {
            return new Outcome(status, body, (retryable ? "malformed reply (" : "refused reply (") + why + ")",
                    retryable, Optional.empty());
        }
    }

    /**
     * @param req       the request
     * @param timeoutMs how long to wait for the whole response
     * @return the outcome; never throws
     */
    Outcome send(CallRequest req, long timeoutMs) {
        if (timeoutMs <= 0) {
            return new Outcome(-1, null, "stage deadline passed", false, Optional.empty());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(timeoutMs))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", "kka-on-spark")
                .POST(HttpRequest.BodyPublishers.ofByteArray(req.body()));
        if (secret != null) {
            b.header("Authorization", "Bearer " + secret.reveal());
        }
        CompletableFuture<HttpResponse<byte[]>> f =
                client.sendAsync(b.build(), bodies);
        try {
            // the client's own timeout stops at the response headers; this bounds the body as well
            return classify(f.get(timeoutMs + 50, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            f.cancel(true);
            return timedOut(timeoutMs);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            if (c instanceof HttpTimeoutException) {
                return timedOut(timeoutMs);
            }
            if (c instanceof CappedBody.TooLargeException t) {
                // the same request would get the same reply: not retried, and nothing is cached
                return new Outcome(t.status(), null, redact("HTTP " + t.status() + ": " + t.getMessage()), false,
                        Optional.empty());
            }
            String kind = c instanceof IOException ? "connection failed" : "request failed";
            return new Outcome(-1, null, redact(kind + " (" + c.getClass().getSimpleName() + ": " + c.getMessage()
                    + ")"), true, Optional.empty());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(-1, null, "interrupted (task cancelled)", false, Optional.empty());
        }
    }

    private Outcome timedOut(long timeoutMs) {
        return new Outcome(-1, null, String.format("timed out after %.1f s", timeoutMs / 1000.0), true,
                Optional.empty());
    }

    private Outcome classify(HttpResponse<byte[]> resp) {
        int status = resp.statusCode();
        byte[] body = resp.body();
        if (status >= 200 && status < 300) {
            return new Outcome(status, body, "HTTP " + status, false, Optional.empty());
        }
        Optional<Long> retryAfter = RetryPolicy.parseRetryAfter(
                resp.headers().firstValue("retry-after-ms").orElse(null),
                resp.headers().firstValue("retry-after").orElse(null), Instant.now());
        return new Outcome(status, body, redact("HTTP " + status + ": " + serverMessage(body)),
                RetryPolicy.retryable(status), retryAfter);
    }

    /** The error text of a body: OpenAI's error.message, FastAPI's detail, or the first characters. */
    static String serverMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode n = JSON.readTree(text);
            if (n != null && n.path("error").path("message").isTextual()) {
                return n.path("error").path("message").asText();
            }
            if (n != null && n.path("error").isTextual()) {
                return n.path("error").asText();
            }
            if (n != null && n.has("detail")) {
                return n.get("detail").isTextual() ? n.get("detail").asText() : n.get("detail").toString();
            }
        } catch (IOException e) {
            // not JSON: quote the text
        }
        return text;
    }

    /**
     * @param message any text bound for an error struct or a log line
     * @return one line of at most 300 characters without the secret
     */
    String redact(String message) {
        return Redaction.line(message, secret == null ? null : secret.reveal());
    }
}
