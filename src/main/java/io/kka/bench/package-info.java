/**
 * Benchmarks, apart from the runtime packages: {@code kka bench kka} (the paper's Tables I–III protocol over
 * tasks and seeds, {@link io.kka.bench.KkaBench}), {@code kka bench detectors} (Deep SVDD, Deep SAD and the
 * Mahalanobis baselines on one-class tasks, {@link io.kka.bench.OneClassBench}), {@code kka bench train}
 * (DL4J training and scoring throughput against a PyTorch reference of the same network,
 * {@link io.kka.bench.TrainThroughput}) and {@code kka bench endpoints} (endpoint fan-out against a loopback fake,
 * {@link io.kka.bench.EndpointBench}). The fake endpoint server itself is in {@link io.kka.bench.fake}. Nothing
 * in a run depends on this package; benchmarks print a table and end with one JSON line.
 */
package io.kka.bench;
