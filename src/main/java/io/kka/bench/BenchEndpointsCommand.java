package io.kka.bench;

import io.kka.cli.ExitCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.spark.Sessions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kka bench endpoints}: the HTTP partition caller against the loopback fake endpoint server. Prints a
 * table and, as its last line, one JSON object; exits 1 if a row was lost or a request was charged twice.
 */
@Command(name = "endpoints", mixinStandardHelpOptions = true,
        description = "Run the describe stage against a loopback fake chat endpoint on Spark (local master) and"
                + " report throughput vs concurrency / latency; with --faults, check that no row is lost and no"
                + " request is charged twice under 429/5xx/hang/malformed faults.")
final class BenchEndpointsCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "10000", description = "Requests (input rows). Default: 10000.")
    int requests;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Fake server latency, ms. Default: 50.")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "32",
            description = "Requests in flight (per executor; local mode has one). Default: 32.")
    int concurrency;

    @Option(names = "--faults", description = "20%% 429 with Retry-After, 10%% 5xx, 5%% hangs, 5%% malformed replies.")
    boolean faults;

    @Option(names = "--fault-mix", paramLabel = "MIX", description = "standard (what --faults gives) or nasty:"
            + " 36%% of attempts fail in thirteen ways: 429 with Retry-After in seconds, an HTTP-date or a past"
            + " date; 503; a proxy's HTML 502; hangs; connections dropped before or half-way through a reply; a cut"
            + " body, choices: [], {\"error\"} in a 200, truncated or undecodable base64 images. Implies --faults.")
    String faultMix;

    @Option(names = "--images", defaultValue = "0", description = "Image rows rendered after the chat rows against"
            + " the same server (AUTOMATIC1111 endpoint, same fault mix), counted like them. Default: 0.")
    int images;

    @Option(names = "--partitions", defaultValue = "0", description = "Input partitions; 0 = default parallelism.")
    int partitions;

    @Option(names = "--timeout-s", description = "Per-request timeout, s. Default: 1 with --faults, else 30.")
    Double timeoutS;

    @Option(names = "--retry-after-s", defaultValue = "1", description = "Retry-After of the 429s, s. Default: 1.")
    double retryAfterS;

    @Option(names = "--hang-ms", defaultValue = "2000", description = "Length of a hang, ms. Default: 2000.")
    long hangMs;

    @Option(names = "--no-cache", description = "Do not use the response cache (default: a temporary one).")
    boolean noCache;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault draws. Default: 1.")
    long seed;

    @Option(names = "--warmup", defaultValue = "1000",
            description = "Requests of an unmeasured warm-up run (JIT). Default: 1000.")
    int warmup;

    @Option(names = "--external", paramLabel = "URL", description = "Run against a server in another process (its"
            + " OpenAI base URL, e.g. from --serve) instead of one in this JVM; reports the job's own rate.")
    String external;
    @Option(names = "--serve", description = "Only serve: start the fake server (same --latency-ms/--faults"
            + " options) on --port, print its URL, and run until killed.")
    boolean serve;
    @Option(names = "--compare-cache", description = "Measure the clean run three ways, side by side: the response"
            + " cache's segments, one file per reply, and no cache (interleaved over --rounds rounds).")
    boolean compareCache;
    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of --compare-cache. Default: 2.")
    int rounds;
    @Option(names = "--port", defaultValue = "0", description = "Loopback port for --serve (0: any free one).")
    int port;
    @Option(names = "--ceiling", description = "After the clean job, the same requests at the same concurrency from"
            + " plain threads through the JDK HTTP client (no Spark, no cache), sendAsync as kka's stages call it and"
            + " blocking send: what the server and the client library allow on this machine, side by side.")
    boolean ceiling;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || latencyMs < 1 || concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--requests, --latency-ms and --concurrency must be >= 1");
        }
        if (faultMix != null && !faultMix.equals("standard") && !faultMix.equals("nasty")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fault-mix must be standard or nasty,"
                    + " found " + faultMix);
        }
        if (images < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images must be >= 0, found " + images);
        }
        boolean anyFaults = faults || faultMix != null;
        double timeout = timeoutS != null ? timeoutS : anyFaults ? 1.0 : 30.0;
        EndpointBench.Settings s = new EndpointBench.Settings(requests, latencyMs, concurrency, anyFaults,
                partitions, timeout, retryAfterS, hangMs, !noCache, seed, Math.max(0, warmup),
                "nasty".equals(faultMix), images);
        if (serve) {
            return serve(s);
        }
        if (ceiling && (anyFaults || compareCache)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ceiling measures the clean run: not with"
                    + " --faults, --fault-mix or --compare-cache");
        }
        if (external != null && !(external.startsWith("http://") || external.startsWith("https://"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--external needs an http(s) URL, not "
                    + external);
        }
        Map<String, Object> r;
        try (Sessions.Handle h = Sessions.open("kka bench endpoints")) {
            String master = h.spark().sparkContext().master();
            if (compareCache) {
                if (rounds < 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1");
                }
                if (external == null && !master.startsWith("local")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "bench endpoints needs a local"
                            + " master for a server in this JVM (or use --external), found " + master);
                }
                r = EndpointBench.compareCache(h.spark(), s, external, rounds);
            } else if (external != null) {
                r = EndpointBench.runExternal(h.spark(), s, external, ceiling);
            } else {
                if (!master.startsWith("local")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "bench endpoints needs a local"
                            + " master (the fake server listens on the driver's loopback; or use --external), found "
                            + master);
                }
                r = EndpointBench.run(h.spark(), s, ceiling);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<String, Object> e : r.entrySet()) {
            if (!"bench".equals(e.getKey())) {
                out.printf("  %-18s %s%n", e.getKey(), e.getValue());
            }
        }
        out.println(new ObjectMapper().writeValueAsString(r));
        out.flush();
        boolean broken = false;
        for (String k : new String[] {"lost", "duplicate_charges", "rerun_requests_for_charged_rows", "images_lost",
            "images_duplicate_rows", "images_duplicate_charges", "images_rerun_requests_for_charged_rows"}) {
            broken |= ((Number) r.getOrDefault(k, 0L)).longValue() != 0;
        }
        return broken ? ExitCodes.FAILURE : 0;
    }

    /** Serves until the process is killed. */
    private int serve(EndpointBench.Settings s) throws Exception {
        try (var server = io.kka.bench.fake.FakeEndpointServer.start(EndpointBench.serverOptions(s), port)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("serving " + server.openAiBaseUrl());
            out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
            return 0;
        }
    }
}
