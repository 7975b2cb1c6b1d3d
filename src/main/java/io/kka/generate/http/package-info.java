/**
 * HTTP generation backends (Eq. 3–4 of the KKA paper): an OpenAI-compatible chat client that writes anomaly
 * descriptions, OpenAI-images and AUTOMATIC1111 clients that render them, and the one partition caller that
 * serves both kinds of endpoint from Spark partitions.
 *
 * <p>The caller ({@link io.kka.generate.http.PartitionCaller}) bounds concurrency and request/token rates per
 * executor JVM ({@link io.kka.generate.http.ExecutorLimits}), retries transient failures with capped exponential
 * backoff and jitter that honours {@code Retry-After} ({@link io.kka.generate.http.RetryPolicy}), enforces a
 * per-request timeout and a per-partition {@link io.kka.generate.http.Deadline} (a duration counted on the
 * executor), consults a response cache on the run directory ({@link io.kka.generate.http.ResponseCache}) before
 * every call, and turns every failure into an error row: a
 * Spark task never fails because an endpoint did. Usage is counted per row and in Spark accumulators
 * ({@link io.kka.generate.http.StageMeter}), and {@link io.kka.generate.http.ProgressReporter} logs progress.
 */
package io.kka.generate.http;
