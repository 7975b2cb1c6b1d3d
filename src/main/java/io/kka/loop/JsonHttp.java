package io.kka.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * A small JSON-over-HTTP client for the driver-side tuning APIs (a handful of calls per iteration; the
 * per-row endpoint traffic of generation goes through the partition caller instead). The bearer token is
 * never included in messages or logs.
 */
final class JsonHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String bearer;

    JsonHttp(String bearer) {
        this.bearer = bearer;
    }

    static ObjectMapper json() {
        return JSON;
    }

    JsonNode get(String url) {
        return send(base(url).GET().build(), url);
    }

    JsonNode post(String url, Object body) {
        try {
            String text = JSON.writeValueAsString(body);
            return send(base(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build(), url);
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
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), url);
    }

    private HttpRequest.Builder base(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private JsonNode send(HttpRequest req, String url) {
        HttpResponse<String> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TuningException(req.method() + " " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TuningException(req.method() + " " + url + " interrupted", e);
        }
        JsonNode body;
        try {
            body = resp.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            if (resp.statusCode() / 100 == 2) {
                // e.g. vLLM's load_lora_adapter answers with plain text
                return JSON.getNodeFactory().textNode(resp.body());
            }
            throw new TuningException(req.method() + " " + url + " returned HTTP " + resp.statusCode()
                    + " with a body that is not JSON");
        }
        if (resp.statusCode() / 100 != 2) {
            String msg = body.path("error").path("message").asText(body.path("message").asText(""));
            throw new TuningException(req.method() + " " + url + " returned HTTP " + resp.statusCode()
                    + (msg.isEmpty() ? "" : ": " + msg));
        }
        return body;
    }
}
