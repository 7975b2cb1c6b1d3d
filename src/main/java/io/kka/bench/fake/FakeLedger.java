package io.kka.bench.fake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the fake server has seen: hits and charges per request key, the busy window, the last requests. */
final class FakeLedger {
    private static final int RECORDED = 256;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong firstHitNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastReplyNanos = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, AtomicInteger> hitsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> chargesByKey = new ConcurrentHashMap<>();
    private final Deque<FakeEndpointServer.Recorded> recorded = new ArrayDeque<>();
    private final AtomicLong cut = new AtomicLong();
    private final Map<FaultMix.Fault, AtomicLong> served = new java.util.EnumMap<>(FaultMix.Fault.class);

    FakeLedger() {
        for (FaultMix.Fault f : FaultMix.Fault.values()) {
            served.put(f, new AtomicLong());
        }
    }

    /** Counts what a request got (a fault, or OK). */
    void served(FaultMix.Fault fault) {
        served.get(fault).incrementAndGet();
    }

    /** Notes a well-formed 200 reply cut half-way through its body (not a charge: the client never got it). */
    void cut(String key) {
        lastReplyNanos.accumulateAndGet(System.nanoTime(), Math::max);
        cut.incrementAndGet();
    }

    long cut() {
        return cut.get();
    }

    Map<FaultMix.Fault, Long> servedCounts() {
        Map<FaultMix.Fault, Long> m = new java.util.EnumMap<>(FaultMix.Fault.class);
        served.forEach((f, n) -> {
            if (n.get() > 0) {
                m.put(f, n.get());
            }
        });
        return m;
    }

    /** Counts and records a request; returns its hit number for the key (0 for the first). */
    int hit(String key, String path, String auth, byte[] body) {
        int hit = hitsByKey.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
        hits.incrementAndGet();
        firstHitNanos.accumulateAndGet(System.nanoTime(), Math::min);
        FakeEndpointServer.Recorded r = new FakeEndpointServer.Recorded(path, auth,
                new String(body, StandardCharsets.UTF_8), key, hit, System.currentTimeMillis());
        synchronized (recorded) {
            if (recorded.size() == RECORDED) {
                recorded.removeFirst();
            }
            recorded.addLast(r);
        }
        return hit;
    }

    private final Map<Integer, String> inFlight = new ConcurrentHashMap<>();

    /** Notes a request being served to the client connection on {@code clientPort}. */
    void enter(int clientPort, String path) {
        inFlight.put(clientPort, path);
    }

    /** Notes the end of the request on {@code clientPort}. */
    void leave(int clientPort) {
        inFlight.remove(clientPort);
    }

    /** @return client port → request path of the requests being served now */
    Map<Integer, String> inFlight() {
        return Map.copyOf(inFlight);
    }

    /** Notes a reply written; {@code chargedKey} is the key of a charged (well-formed 200) reply, else null. */
    void replied(String chargedKey) {
        lastReplyNanos.accumulateAndGet(System.nanoTime(), Math::max);
        if (chargedKey != null) {
            chargesByKey.computeIfAbsent(chargedKey, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    long hits() {
        return hits.get();
    }

    int keys() {
        return hitsByKey.size();
    }

    double busySeconds() {
        long first = firstHitNanos.get();
        long last = lastReplyNanos.get();
        return last > first ? (last - first) / 1e9 : 0.0;
    }

    void resetWindow() {
        firstHitNanos.set(Long.MAX_VALUE);
        lastReplyNanos.set(Long.MIN_VALUE);
    }

    long charges() {
        return chargesByKey.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    long keysChargedTwice() {
        return chargesByKey.values().stream().filter(c -> c.get() > 1).count();
    }

    Map<String, Integer> chargedKeyHits() {
        Map<String, Integer> m = new HashMap<>();
        chargesByKey.forEach((k, c) -> {
            if (c.get() > 0) {
                m.put(k, hitsByKey.get(k).get());
            }
        });
        return m;
    }

    long hitsSince(Map<String, Integer> snapshot) {
        return snapshot.entrySet().stream().mapToLong(e -> hitsByKey.get(e.getKey()).get() - e.getValue()).sum();
    }

    List<FakeEndpointServer.Recorded> recorded() {
        synchronized (recorded) {
            return new ArrayList<>(recorded);
        }
    }
}
