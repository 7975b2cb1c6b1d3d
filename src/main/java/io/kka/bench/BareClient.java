package io.kka.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ceiling of {@code kka bench endpoints}: the same number of chat requests at the same concurrency against the
 * same server, sent by {@code concurrency} plain threads through the JDK's HTTP/1.1 client that kka's stages use,
 * with nothing else: no Spark, no rows, no cache, no reply parsing. What kka's job reaches is measured against this
 * as well as against the limit concurrency ÷ latency, since on a small machine the server and the client library
 * alone already stay below the limit.
 */
final class BareClient {
    /** How a thread sends: as kka's stages do, or with the client's blocking call. */
    enum Call {
        /** {@code sendAsync(...).get(timeout)}: kka's call, which bounds the body's arrival too */
        ASYNC,
        /** {@code send(...)}: the blocking call, whose timeout ends at the response headers */
        SEND
    }

    /**
     * What a pass gave.
     *
     * @param requests  requests sent
     * @param ok        replies with status 200
     * @param seconds   wall time of the pass
     * @param meanMs    mean time from send to the whole reply, ms
     */
    record Pass(int requests, long ok, double seconds, double meanMs) {
        double rps() {
            return requests / seconds;
        }
    }

    private BareClient() {
    }

    /**
     * @param chatUrl     the server's chat completions URL
     * @param requests    requests to send (each with its own prompt)
     * @param concurrency threads, one request in flight each
     * @param call        how to send
     * @param timeoutMs   per-request timeout
     * @param tag         distinguishes this pass's prompts from other passes'
     * @return the pass
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    static Pass run(String chatUrl, int requests, int concurrency, Call call, long timeoutMs, String tag)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMs)).followRedirects(HttpClient.Redirect.NEVER).build();
        URI uri = URI.create(chatUrl);
        AtomicInteger next = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable sender = () -> {
            for (int i = next.getAndIncrement(); i < requests && failure.get() == null; i = next.getAndIncrement()) {
                byte[] body = ("{\"model\":\"bench-llm\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Describe one anomalous garment (" + tag + " prompt " + i + ").\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs))
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                long t0 = System.nanoTime();
                try {
                    HttpResponse<byte[]> resp = call == Call.SEND
                            ? client.send(req, HttpResponse.BodyHandlers.ofByteArray())
                            : client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                                    .get(timeoutMs + 50, TimeUnit.MILLISECONDS);
                    if (resp.statusCode() == 200) {
                        ok.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, e);
                    return;
                } catch (Exception e) {
                    failure.compareAndSet(null, e); // a clean server fails no request: stop and say so
                    return;
                }
                nanos.addAndGet(System.nanoTime() - t0);
            }
        };
        List<Thread> threads = new ArrayList<>(concurrency);
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread th = new Thread(sender, "kka-bench-bare-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("bare client: a request to " + chatUrl + " failed: " + failure.get(),
                    failure.get());
        }
        return new Pass(requests, ok.get(), seconds, nanos.get() / 1e6 / Math.max(1, requests));
    }
}
