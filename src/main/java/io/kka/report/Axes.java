package io.kka.report;

/** Draws a chart's frame: grid lines, ticks with labels, and the two axis titles. */
final class Axes {
    private Axes() {
    }

    /**
     * @param b      the SVG being written
     * @param plot   the chart (for its coordinate transform)
     * @param xr     {lo, hi, step} of the x axis
     * @param yr     {lo, hi, step} of the y axis
     * @param xLabel x-axis title
     * @param yLabel y-axis title
     */
    static void draw(StringBuilder b, Plot plot, double[] xr, double[] yr, String xLabel, String yLabel) {
        b.append("<g class=\"axes\">");
        for (double x = xr[0]; x <= xr[1] + xr[2] * 1e-6; x += xr[2]) {
            String px = Html.px(plot.sx(x));
            b.append("<line class=\"grid\" x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"")
                    .append(Plot.top()).append("\" y2=\"").append(Plot.bottom()).append("\"/>")
                    .append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(px).append("\" y=\"")
                    .append(Plot.bottom() + 16).append("\">").append(Html.text(Html.num(clean(x, xr[2]))))
                    .append("</text>");
        }
        for (double y = yr[0]; y <= yr[1] + yr[2] * 1e-6; y += yr[2]) {
            String py = Html.px(plot.sy(y));
            b.append("<line class=\"grid\" x1=\"").append(Plot.left()).append("\" x2=\"").append(Plot.right())
                    .append("\" y1=\"").append(py).append("\" y2=\"").append(py).append("\"/>")
                    .append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(Plot.left() - 6)
                    .append("\" y=\"").append(Html.px(plot.sy(y) + 4)).append("\">")
                    .append(Html.text(Html.num(clean(y, yr[2])))).append("</text>");
        }
        b.append("<rect class=\"frame\" x=\"").append(Plot.left()).append("\" y=\"").append(Plot.top())
                .append("\" width=\"").append(Plot.right() - Plot.left()).append("\" height=\"")
                .append(Plot.bottom() - Plot.top()).append("\"/>");
        b.append("<text class=\"axis-label\" text-anchor=\"middle\" x=\"").append((Plot.left() + Plot.right()) / 2)
                .append("\" y=\"").append(Plot.HEIGHT - 10).append("\">").append(Html.text(xLabel)).append("</text>");
        int cy = (Plot.top() + Plot.bottom()) / 2;
        b.append("<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(16,").append(cy)
                .append(") rotate(-90)\">").append(Html.text(yLabel)).append("</text></g>");
    }

    /** Rounds away the floating-point drift of repeated additions (0.30000000000000004 → 0.3). */
    private static double clean(double v, double step) {
        double r = Math.round(v / step) * step;
        return Math.abs(r) < step * 1e-9 ? 0 : Double.parseDouble(String.format(java.util.Locale.ROOT, "%.10g", r));
    }
}
