/**
 * A loopback fake of the generation endpoints, for tests and for {@code kka bench endpoints}; never for real
 * runs. {@link io.kka.bench.fake.FakeEndpointServer} binds 127.0.0.1 on an ephemeral port and speaks
 * OpenAI chat completions, the OpenAI images API and AUTOMATIC1111's txt2img, with configurable latency and a
 * seeded fault mix ({@link io.kka.bench.fake.FaultMix}): 429 with Retry-After (seconds or an HTTP-date), 5xx (JSON
 * or a proxy's HTML page), hangs past the client's timeout, connections dropped before or half-way through a reply,
 * malformed JSON, empty choices, {@code {"error"}} inside a 200, truncated or undecodable base64, and per-request
 * scripts. It counts hits and successful ("charged") replies per request body, so tests and benchmarks can prove
 * that nothing is lost and nothing is paid twice.
 */
package io.kka.bench.fake;
