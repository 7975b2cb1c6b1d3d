package io.kka.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One inline SVG chart with labelled axes, grid, ticks and a legend, drawn without any plotting library. Marks
 * are added in data coordinates; {@link #svg} renders the whole chart. All text is escaped.
 */
final class Plot {
    static final int WIDTH = 560;
    static final int HEIGHT = 320;
    private static final int LEFT = 68;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 50;

    private final double[] xr;
    private final double[] yr;
    private final String xLabel;
    private final String yLabel;
    private final StringBuilder marks = new StringBuilder();
    private final List<String[]> legend = new ArrayList<>();

    private Plot(double[] xr, double[] yr, String xLabel, String yLabel) {
        this.xr = xr;
        this.yr = yr;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /**
     * @param xLo    smallest x to show
     * @param xHi    largest x to show
     * @param yLo    smallest y to show
     * @param yHi    largest y to show
     * @param xLabel x-axis label (with unit)
     * @param yLabel y-axis label (with unit)
     * @return an empty chart whose ranges are widened to nice tick multiples
     */
    static Plot of(double xLo, double xHi, double yLo, double yHi, String xLabel, String yLabel) {
        return new Plot(Ticks.range(xLo, xHi, 6), Ticks.range(yLo, yHi, 5), xLabel, yLabel);
    }

    /**
     * @param lastIteration the largest iteration on the x axis (at least 1 is shown)
     * @param yLabel        y-axis label
     * @return an empty chart of values in [0, 1] per iteration, with integer x ticks
     */
    static Plot perIteration(double lastIteration, String yLabel) {
        return new Plot(Ticks.range(0, Math.max(1, lastIteration), 6, 1), Ticks.range(0, 1, 5), "KKA iteration t",
                yLabel);
    }

    double sx(double x) {
        return LEFT + (x - xr[0]) / (xr[1] - xr[0]) * (WIDTH - LEFT - RIGHT);
    }

    double sy(double y) {
        return HEIGHT - BOTTOM - (y - yr[0]) / (yr[1] - yr[0]) * (HEIGHT - TOP - BOTTOM);
    }

    /** Adds a polyline through (xs[i], ys[i]), skipping NaN values, with round markers if asked. */
    Plot line(double[] xs, double[] ys, String color, String name, boolean markers, boolean dashed) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isNaN(ys[i])) {
                pts.append(Html.px(sx(xs[i]))).append(',').append(Html.px(sy(ys[i]))).append(' ');
                if (markers) {
                    dot(xs[i], ys[i], 3.5, color, 1);
                }
            }
        }
        marks.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"")
                .append(dashed ? " stroke-dasharray=\"6 4\"" : "").append(" points=\"")
                .append(pts.toString().trim()).append("\"/>");
        return legend(name, color);
    }

    /** Adds a histogram outline with a translucent fill: bin i spans [lo + i·w, lo + (i+1)·w), height ys[i]. */
    Plot bars(double lo, double w, double[] ys, String color, String name) {
        StringBuilder d = new StringBuilder("M").append(Html.px(sx(lo))).append(',').append(Html.px(sy(0)));
        for (int i = 0; i < ys.length; i++) {
            d.append(" L").append(Html.px(sx(lo + i * w))).append(',').append(Html.px(sy(ys[i])))
                    .append(" L").append(Html.px(sx(lo + (i + 1) * w))).append(',').append(Html.px(sy(ys[i])));
        }
        d.append(" L").append(Html.px(sx(lo + ys.length * w))).append(',').append(Html.px(sy(0))).append(" Z");
        marks.append("<path d=\"").append(d).append("\" fill=\"").append(color).append("\" fill-opacity=\"0.25\"")
                .append(" stroke=\"").append(color).append("\" stroke-width=\"1.5\"/>");
        return legend(name, color);
    }

    /** Adds a dashed vertical line at x, labelled at the top. */
    Plot vline(double x, String color, String label) {
        String px = Html.px(sx(x));
        marks.append("<line x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"").append(color)
                .append("\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>");
        return legend(label, color);
    }

    /** Adds a scatter of small dots. */
    Plot points(double[] xs, double[] ys, String color, String name, double radius) {
        for (int i = 0; i < xs.length; i++) {
            dot(xs[i], ys[i], radius, color, 0.7);
        }
        return legend(name, color);
    }

    private void dot(double x, double y, double r, String color, double opacity) {
        marks.append("<circle cx=\"").append(Html.px(sx(x))).append("\" cy=\"").append(Html.px(sy(y)))
                .append("\" r=\"").append(r).append("\" fill=\"").append(color).append("\" fill-opacity=\"")
                .append(opacity).append("\"/>");
    }

    private Plot legend(String name, String color) {
        if (name != null) {
            legend.add(new String[] {name, color});
        }
        return this;
    }

    /**
     * @param title accessible name of the chart
     * @return the chart as an {@code <svg>} element
     */
    String svg(String title) {
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\"><title>").append(Html.text(title)).append("</title>");
        Axes.draw(b, this, xr, yr, xLabel, yLabel);
        b.append("<g>").append(marks).append("</g>");
        if (!legend.isEmpty()) {
            // a translucent backdrop keeps the legend readable where it overlaps the marks
            b.append("<rect class=\"legend-box\" x=\"").append(WIDTH - RIGHT - 196).append("\" y=\"").append(TOP + 2)
                    .append("\" width=\"192\" height=\"").append(16 * legend.size() + 4).append("\"/>");
        }
        for (int i = 0; i < legend.size(); i++) {
            int y = TOP + 12 + 16 * i;
            b.append("<rect x=\"").append(WIDTH - RIGHT - 190).append("\" y=\"").append(y - 8)
                    .append("\" width=\"10\" height=\"10\" fill=\"").append(legend.get(i)[1]).append("\"/>")
                    .append("<text class=\"legend\" x=\"").append(WIDTH - RIGHT - 175).append("\" y=\"")
                    .append(y + 1).append("\">").append(Html.text(legend.get(i)[0])).append("</text>");
        }
        return b.append("</svg>").toString();
    }

    static int left() {
        return LEFT;
    }

    static int right() {
        return WIDTH - RIGHT;
    }

    static int top() {
        return TOP;
    }

    static int bottom() {
        return HEIGHT - BOTTOM;
    }
}
