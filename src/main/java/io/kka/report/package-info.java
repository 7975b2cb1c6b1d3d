/**
 * The HTML run report ({@code kka report RUN_DIR}): one self-contained {@code report/index.html} that opens with a
 * headline (final detector against the No-anomalies baseline, hard-fraction and Eq. 8 trends, cost and time), then
 * the config and provenance, a per-iteration table, inline SVG plots drawn here (AUROC and hard fraction per
 * iteration, score histograms with the Eq. 6 threshold, the final detector's ROC curve, the latent map of the
 * paper's Figure 5) and image grids of hard and easy generated anomalies (the paper's Figure 3). Every figure is
 * computed with Spark aggregates or bounded, seeded samples; nothing collects a whole table.
 */
package io.kka.report;
