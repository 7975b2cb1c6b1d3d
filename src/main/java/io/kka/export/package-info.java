/**
 * Export of a completed run's anomalies for other detectors ({@code kka export RUN_DIR}): the training normals and
 * the final anomaly set A_T (optionally with every iteration's hard anomalies) as PNG files, laid out for
 * anomalib's {@code Folder} datamodule or described by a JSON Lines manifest
 * ({@code data-schemas/anomaly-manifest.schema.json}). Images are written by the executors, never collected.
 */
package io.kka.export;
