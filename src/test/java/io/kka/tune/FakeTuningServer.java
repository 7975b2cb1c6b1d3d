package io.kka.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A loopback fake of the OpenAI files + fine-tuning API and of vLLM's load_lora_adapter, recording every request.
 */
final class FakeTuningServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final HttpServer server;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    final List<String> authHeaders = Collections.synchronizedList(new ArrayList<>());
    /** statuses returned by successive polls; the last one repeats */
    final Deque<String> statuses = new ConcurrentLinkedDeque<>();
    volatile String errorMessage = "";
    /** statuses the next uploads, job creations and polls get instead of an answer (429s carry Retry-After: 2) */
    final Deque<Integer> uploadFaults = new ConcurrentLinkedDeque<>();
    final Deque<Integer> createFaults = new ConcurrentLinkedDeque<>();
    final Deque<Integer> pollFaults = new ConcurrentLinkedDeque<>();
    volatile int jobsCreated;

    FakeTuningServer(String... statusSequence) throws IOException {
        statuses.addAll(List.of(statusSequence));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(ex.getRequestMethod() + " " + path);
        bodies.add(body);
        authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        String out;
        int code = 200;
        boolean create = path.equals("/v1/fine_tuning/jobs") && ex.getRequestMethod().equals("POST");
        Deque<Integer> faults = path.equals("/v1/files") ? uploadFaults : create ? createFaults
                : path.startsWith("/v1/fine_tuning/jobs/") ? pollFaults : null;
        Integer fault = faults == null ? null : faults.pollFirst();
        if (fault != null) {
            if (fault == 429) {
                ex.getResponseHeaders().set("Retry-After", "2");
            }
            byte[] b = "{\"error\":{\"message\":\"transient\"}}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(fault, b.length);
            ex.getResponseBody().write(b);
            ex.close();
            return;
        }
        if (path.equals("/v1/files")) {
            out = "{\"id\":\"file-abc\",\"object\":\"file\",\"purpose\":\"fine-tune\"}";
        } else if (path.equals("/v1/fine_tuning/jobs") && ex.getRequestMethod().equals("POST")) {
            jobsCreated++;
            JsonNode req = JSON.readTree(body);
            out = "{\"id\":\"ftjob-1\",\"status\":\"validating_files\",\"model\":\"" + req.path("model").asText() + "\"}";
        } else if (path.startsWith("/v1/fine_tuning/jobs/")) {
            String status = statuses.size() > 1 ? statuses.pollFirst() : statuses.peekFirst();
            out = "{\"id\":\"ftjob-1\",\"status\":\"" + status + "\",\"fine_tuned_model\":"
                    + (status.equals("succeeded") ? "\"ft:base:kka-it0:xyz\"" : "null")
                    + ",\"error\":{\"message\":\"" + errorMessage + "\"}}";
        } else if (path.equals("/v1/load_lora_adapter")) {
            out = "Success: LoRA adapter added successfully.";
        } else {
            code = 404;
            out = "{\"error\":{\"message\":\"no route " + path + "\"}}";
        }
        byte[] b = out.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
