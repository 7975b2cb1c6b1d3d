package io.kka.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.generate.http.Redaction;
import io.kka.generate.http.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.slf4j.LoggerFactory;

/**
 * A small JSON-over-HTTP client for the driver-side tuning APIs (a handful of calls per iteration; the
 * per-row endpoint traffic of generation goes through the partition caller instead). The bearer token is
 * never included in messages or logs: every server message is redacted and cut to one line.
 *
 * <p>Transient failures are retried, up to {@link #MAX_ATTEMPTS} attempts with exponential backoff (1 s doubling,
 * capped at 30 s) or the server's {@code Retry-After} when positive (up to 300 s; a longer one fails at once). A
 * request is retried only when a repeat cannot pay twice: reads and file uploads on 408, 429, 5xx and connection
 * failures; a call that creates something (a fine-tuning job) only on 429 and refused connections, where the
 * server did not act on the first attempt.
 */
final class JsonHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ATTEMPTS = 6;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String bearer;
    private final LongConsumer sleeper;

    JsonHttp(String bearer, LongConsumer sleeper) {
        this.bearer = bearer;
        this.sleeper = sleeper;
    }

    /** Whether a request may be repeated after an ambiguous failure. */
    enum Repeat {
        /** reads and uploads: a repeat costs nothing */
        SAFE,
        /** creates something billable: repeated only when the server surely did not act */
        ONLY_IF_NOT_RECEIVED
    }

    static ObjectMapper json() {
        return JSON;
    }

    JsonNode get(String url) {
        return send(base(url).GET().build(), url, Repeat.SAFE);
    }

    JsonNode post(String url, Object body, Repeat repeat) {
        try {
            String text = JSON.writeValueAsString(body);
            return send(base(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build(), url, repeat);
        } catch (IOException e) {
            throw new TuningException("cannot encode request to " + url, e);
        }
    }

    /** POST multipart/form-data with text fields and one file part. */
    JsonNode postFile(String url, String field, String fileName, byte[] content, String... textFields) {
        String boundary = "kka-" + UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        for (int i = 0; i + 1 < textFields.length; i += 2) {
            head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                    .append(textFields[i]).append("\"\r\n\r\n").append(textFields[i + 1]).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(field)
                .append("\"; filename=\"").append(fileName).append("\"\r\nContent-Type: application/jsonl\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] t = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + content.length + t.length];
        System.arraycopy(h, 0, body, 0, h.length);
        System.arraycopy(content, 0, body, h.length, content.length);
        System.arraycopy(t, 0, body, h.length + content.length, t.length);
        return send(base(url).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), url, Repeat.SAFE);
    }

    private HttpRequest.Builder base(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private JsonNode send(HttpRequest req, String url, Repeat repeat) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                boolean notReceived = e instanceof java.net.ConnectException;
                if (attempt < MAX_ATTEMPTS && (repeat == Repeat.SAFE || notReceived)) {
                    backoff(attempt, Optional.empty(), req, url);
                    continue;
                }
                throw new TuningException(req.method() + " " + url + " failed after " + attempt + " attempt(s): "
                        + redact(e.getClass().getSimpleName() + ": " + e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TuningException(req.method() + " " + url + " interrupted", e);
            }
            int status = resp.statusCode();
            boolean transientStatus = status == 429 || (repeat == Repeat.SAFE && (status == 408 || status / 100 == 5));
            if (transientStatus && attempt < MAX_ATTEMPTS) {
                Optional<Long> retryAfter = RetryPolicy.parseRetryAfter(
                        resp.headers().firstValue("retry-after-ms").orElse(null),
                        resp.headers().firstValue("retry-after").orElse(null), Instant.now());
                if (retryAfter.isEmpty() || retryAfter.get() <= MAX_RETRY_AFTER_MS) {
                    backoff(attempt, retryAfter, req, url);
                    continue;
                }
            }
            return parse(resp, req, url, attempt);
        }
    }

    private static final long MAX_RETRY_AFTER_MS = 300_000;

    private void backoff(int attempt, Optional<Long> retryAfter, HttpRequest req, String url) {
        long ms = retryAfter.filter(ra -> ra > 0)
                .orElse(Math.min(30_000L, 1000L << Math.min(attempt - 1, 10)));
        LoggerFactory.getLogger(JsonHttp.class).warn("{} {}: attempt {} failed, retrying in {} ms", req.method(), url,
                attempt, ms);
        sleeper.accept(ms);
    }

    private JsonNode parse(HttpResponse<String> resp, HttpRequest req, String url, int attempt) {
        JsonNode body;
        try {
            body = resp.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            if (resp.statusCode() / 100 == 2) {
                // e.g. vLLM's load_lora_adapter answers with plain text
                return JSON.getNodeFactory().textNode(resp.body());
            }
            throw new TuningException(req.method() + " " + url + " returned HTTP " + resp.statusCode()
                    + " with a body that is not JSON" + tries(attempt));
        }
        if (resp.statusCode() / 100 != 2) {
            String msg = body.path("error").path("message").asText(body.path("message").asText(""));
            throw new TuningException(req.method() + " " + url + " returned HTTP " + resp.statusCode()
                    + (msg.isEmpty() ? "" : ": " + redact(msg)) + tries(attempt));
        }
        return body;
    }

    private static String tries(int attempt) {
        return attempt == 1 ? "" : " (after " + attempt + " attempts)";
    }

    /** @return the message on one line, at most 300 characters, without the bearer token */
    String redact(String message) {
        return Redaction.line(message, bearer);
    }
}
