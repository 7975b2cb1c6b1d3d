package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the DevTools protocol with the JDK's WebSocket client (no browser
 * driver dependency): loads a page, collects console errors, uncaught exceptions and failed loads, evaluates an
 * expression, and takes a screenshot. Launched with the flags this closed network needs, on loopback only.
 */
final class HeadlessChromium implements AutoCloseable {
    /** where Debian's package {@code chromium} installs the browser */
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private volatile WebSocket ws;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    private HeadlessChromium(Process process) {
        this.process = process;
    }

    /**
     * @param profile a fresh, empty directory for the browser profile
     * @return a browser with one blank page attached
     * @throws IllegalStateException if chromium is not installed (with the command that installs it)
     */
    static HeadlessChromium launch(Path profile) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install Debian's chromium (apt-get install -y"
                    + " chromium); .ci/run installs it for CI");
        }
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,900",
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String browserWs = devtoolsUrl(p);
            URI base = URI.create(browserWs.replaceFirst("^ws://([^/]+)/.*$", "http://$1"));
            String pageWs = pageSocket(base);
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HeadlessChromium browser = new HeadlessChromium(p);
            browser.ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), browser.new Listener())
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return browser;
        } catch (Exception e) {
            kill(p);
            throw e;
        }
    }

    /** Reads stderr until the DevTools URL appears, then keeps draining it so the browser never blocks. */
    private static String devtoolsUrl(Process p) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    } else if (!url.isDone() && log.length() < 4000) {
                        log.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the browser exited; the future below reports it
            }
            url.completeExceptionally(new IllegalStateException("chromium exited before DevTools listened:\n" + log));
        }, "chromium-stderr");
        t.setDaemon(true);
        t.start();
        return url.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String pageSocket(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/json/list")).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(r.body())) {
            if ("page".equals(target.path("type").asText())) {
                return target.path("webSocketDebuggerUrl").asText();
            }
        }
        throw new IllegalStateException("no page target in " + r.body());
    }

    /**
     * What a page showed.
     *
     * @param errors     console errors, uncaught exceptions and failed loads, in order
     * @param evaluation the value of the evaluated expression
     * @param screenshot PNG bytes of the page (up to 12000 px tall)
     */
    record Page(List<String> errors, JsonNode evaluation, byte[] screenshot) {
    }

    /**
     * @param file       an HTML file
     * @param expression a JavaScript expression evaluated after the load event (JSON-serialisable result)
     * @return what the page showed
     */
    Page open(Path file, String expression) throws Exception {
        errors.clear();
        loaded = new CompletableFuture<>();
        call("Page.enable", null);
        call("Runtime.enable", null);
        call("Log.enable", null);
        call("Page.navigate", JSON.createObjectNode().put("url", file.toUri().toString()));
        loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode value = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true)).path("result").path("value");
        int height = call("Runtime.evaluate", JSON.createObjectNode()
                .put("expression", "document.documentElement.scrollHeight").put("returnByValue", true))
                .path("result").path("value").asInt(900);
        ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", 1280)
                .put("height", Math.min(height, 12000)).put("scale", 1);
        ObjectNode shot = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        shot.set("clip", clip);
        byte[] png = Base64.getDecoder().decode(call("Page.captureScreenshot", shot).path("data").asText());
        return new Page(List.copyOf(errors), value, png);
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ws.sendText(msg.toString(), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    private void onMessage(JsonNode m) {
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
                f.complete(m);
            }
            return;
        }
        JsonNode p = m.path("params");
        switch (m.path("method").asText()) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
            case "Runtime.consoleAPICalled" -> {
                if (p.path("type").asText().matches("error|assert")) {
                    errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                if (p.path("entry").path("level").asText().equals("error")) {
                    errors.add("log: " + p.path("entry").path("text").asText());
                }
            }
            default -> {
            }
        }
    }

    /** Collects WebSocket frames into messages. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                try {
                    onMessage(JSON.readTree(buf.toString()));
                } catch (IOException e) {
                    errors.add("bad DevTools message: " + e.getMessage());
                }
                buf.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        } catch (RuntimeException e) {
            // closing anyway
        }
        kill(process);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
