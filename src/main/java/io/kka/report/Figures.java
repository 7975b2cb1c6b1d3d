package io.kka.report;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns computed results into figures: an SVG chart or an image grid, each with a plain-text caption (escaped when
 * the page is written). Colours are fixed per group so the same group looks the same in every figure.
 */
final class Figures {
    static final String BLUE = "#3366aa";
    static final String ORANGE = "#e08a1e";
    static final String RED = "#c0392b";
    static final String GREY = "#9a9a9a";
    static final String GREEN = "#2e8b57";
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    /**
     * A figure.
     *
     * @param kind    "plot" (one {@code <svg>}) or "grid" (images)
     * @param body    the figure's HTML (already escaped)
     * @param caption plain-text caption
     */
    record Fig(String kind, String body, String caption) {
    }

    private Figures() {
    }

    /**
     * One line of a per-iteration chart.
     *
     * @param name   legend text
     * @param colour stroke colour
     * @param ys     value per iteration (NaN = none)
     * @param dashed draw dashed (for reference lines)
     */
    record Series(String name, String colour, double[] ys, boolean dashed) {
    }

    /** A line chart of per-iteration values in [0, 1] (AUROC, hard fraction). */
    static Fig perIteration(String title, String yLabel, double[] iterations, List<Series> series, String caption) {
        Plot p = Plot.perIteration(iterations.length == 0 ? 1 : iterations[iterations.length - 1], yLabel);
        for (Series s : series) {
            p.line(iterations, s.ys(), s.colour(), s.name(), !s.dashed(), s.dashed());
        }
        return new Fig("plot", p.svg(title), caption);
    }

    /** The score histogram of one iteration, as the fraction of each group per bin, with the threshold marked. */
    static Fig histogram(int t, ScoreHistogram.Result h, double threshold) {
        int bins = h.counts().get(ScoreHistogram.VAL_NORMAL).length;
        Map<String, String> colours = Map.of(ScoreHistogram.VAL_NORMAL, BLUE, ScoreHistogram.GENERATED, ORANGE,
                ScoreHistogram.TEST_ANOMALY, RED);
        double yHi = 0;
        for (String g : h.counts().keySet()) {
            for (long c : h.counts().get(g)) {
                yHi = Math.max(yHi, (double) c / Math.max(1, h.total(g)));
            }
        }
        Plot p = Plot.of(h.lo(), h.lo() + bins * h.width(), 0, Math.max(yHi, 0.05), "evaluator score (squared distance"
                + " to the centre c)", "fraction of the group per bin");
        StringBuilder sizes = new StringBuilder();
        for (String g : h.counts().keySet()) {
            long n = h.total(g);
            double[] y = new double[bins];
            for (int i = 0; i < bins; i++) {
                y[i] = (double) h.counts().get(g)[i] / Math.max(1, n);
            }
            if (n > 0) {
                p.bars(h.lo(), h.width(), y, colours.get(g), g + " (n = " + n + ")");
            }
            sizes.append(sizes.length() == 0 ? "" : ", ").append(g).append(" n = ").append(n);
        }
        if (!Double.isNaN(threshold)) {
            p.vline(threshold, "#222222", "hard threshold τ = " + Html.num(threshold));
        }
        String caption = "Scores of evaluator E_" + t + " in iteration " + t + " (" + sizes + "). Generated anomalies"
                + " scoring below the dashed threshold τ (Eq. 6, set from validation normals only) are hard."
                + (h.overflow() > 0 ? " The last bin also holds " + h.overflow() + (h.overflow() == 1 ? " score"
                : " scores") + " above "
                + Html.num(h.lo() + bins * h.width()) + " (largest " + Html.num(h.max()) + ")." : "");
        return new Fig("plot", p.svg("Score histogram, iteration " + t), caption);
    }

    /** The ROC curve of the final detector with the chance diagonal. */
    static Fig roc(RocCurve.Result r, String detector, double reported) {
        Plot p = Plot.of(0, 1, 0, 1, "false-positive rate", "true-positive rate");
        p.line(new double[] {0, 1}, new double[] {0, 1}, GREY, "chance", false, true);
        p.line(r.fpr(), r.tpr(), BLUE, detector + " (AUROC ≈ " + Html.num(r.auroc()) + ")", false, false);
        String caption = "ROC curve of the final detector (" + detector + ") on the test split: " + r.positives()
                + " anomalies, " + r.negatives() + " normals; thresholds at the edges of " + r.buckets()
                + " equal score buckets (" + (r.fpr().length - 1) + " non-empty); area ≈ " + Html.num(r.auroc())
                + (Double.isNaN(reported) ? "." : " (metrics.json: " + Html.num(reported) + ").");
        return new Fig("plot", p.svg("ROC curve of the final detector"), caption);
    }

    /** The 2-D latent map, one colour per kind. */
    static Fig latent(LatentMap.Result m) {
        Map<String, String[]> style = Map.of("normal", new String[] {"normal (train)", BLUE},
                "generated", new String[] {"generated anomaly", ORANGE},
                "test_normal", new String[] {"test normal", GREY}, "test_anomaly", new String[] {"test anomaly", RED});
        double[] box = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        m.points().values().forEach(p -> {
            for (int i = 0; i < p[0].length; i++) {
                box[0] = Math.min(box[0], p[0][i]);
                box[1] = Math.max(box[1], p[0][i]);
                box[2] = Math.min(box[2], p[1][i]);
                box[3] = Math.max(box[3], p[1][i]);
            }
        });
        Plot p = Plot.of(box[0], box[1], box[2], box[3], "latent component 1 (PCA)", "latent component 2 (PCA)");
        StringBuilder counts = new StringBuilder();
        m.points().forEach((k, xy) -> {
            if (xy[0].length > 0) {
                p.points(xy[0], xy[1], style.get(k)[1], style.get(k)[0] + " (" + xy[0].length + ")", 2.2);
            }
            counts.append(counts.length() == 0 ? "" : ", ").append(style.get(k)[0]).append(' ').append(xy[0].length);
        });
        String caption = "The evaluator's latent space projected to 2-D (as in the paper's Figure 5): " + counts
                + (m.drawn() < m.total() ? "; a seeded sample of " + m.drawn() + " of " + m.total() + " points." : ".");
        return new Fig("plot", p.svg("Latent map"), caption);
    }

    /** An image grid of one kind (hard or easy) of one iteration with each image's description and score. */
    static Fig grid(int t, String kind, List<SampleGrid.Tile> tiles, long total) {
        StringBuilder b = new StringBuilder("<div class=\"tiles\">");
        int shown = 0;
        for (SampleGrid.Tile tile : tiles) {
            if (!isPng(tile.png())) {
                continue;
            }
            shown++;
            String desc = Html.text(tile.description());
            b.append("<figure class=\"tile\"><img src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(tile.png())).append("\" alt=\"").append(desc)
                    .append("\" width=\"84\" height=\"84\"><figcaption>").append(desc)
                    .append("<span class=\"score\">score ").append(Html.num(tile.score())).append("</span>")
                    .append("</figcaption></figure>");
        }
        b.append("</div>");
        String caption = (kind.equals("hard") ? "Hard" : "Easy") + " generated anomalies of iteration " + t + ": "
                + shown + " of " + total + ", a seeded sample, with their descriptions and scores"
                + (kind.equals("hard") ? " (below τ: the evaluator confuses them with normals)."
                : " (above τ: the evaluator separates them).") + (shown < tiles.size()
                ? " " + (tiles.size() - shown) + " rows without valid PNG bytes were left out." : "");
        return new Fig("grid", b.toString(), caption);
    }

    static boolean isPng(byte[] b) {
        if (b == null || b.length < PNG_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < PNG_MAGIC.length; i++) {
            if (b[i] != PNG_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
