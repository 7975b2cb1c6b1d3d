package io.kka.generate.embedded;

import io.kka.data.InvalidInputException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the attributes of a description do to the bank image the embedded renderer drew, so that the text, not only
 * its class, decides how an anomaly looks (and therefore how hard it is). Every operation works on the item's
 * pixels (those brighter than {@value #ON}, the garment against the black background of Fashion-MNIST) and its
 * bounding box; operations run in a fixed order whatever the order of the words: item shape (shorts, skirt),
 * geometry (size, length, width), sleeves, parts, pattern, tone, damage.
 *
 * <p>The operations, by group (the words that ask for them are in {@code conf/knowledge/fashion-attributes.txt}):
 * <ul>
 *   <li>item shape: {@code shorts} keeps the top 45% of a trouser; {@code skirt} keeps the part of a dress below
 *       the waist, moved up;</li>
 *   <li>geometry (one resampling about the box, anchored at its top when the length changes): {@code small} ×0.75
 *       and {@code large} ×1.2 in both directions, {@code long} ×1.25 and {@code short} ×0.72 in height,
 *       {@code wide} ×1.25 and {@code slim} ×0.78 in width;</li>
 *   <li>sleeves (the outer 22% of the box on each side): {@code sleeveless} erases them below the shoulders,
 *       {@code short-sleeves} below 38% of the height, {@code long-sleeves} extends them to the hem;</li>
 *   <li>parts, drawn in a contrasting tone: {@code pocket}, {@code buttons}, {@code zip}, {@code belt},
 *       {@code hood} (added above the neck);</li>
 *   <li>pattern: {@code striped} (2-pixel bands), {@code checked} (3-pixel checks), {@code dotted}, {@code print}
 *       (a patch on the chest), {@code knitted} (a fine rib);</li>
 *   <li>tone: {@code dark} ×0.45, {@code light} halfway to white, {@code bright} ×1.35 + 25;</li>
 *   <li>damage (seeded positions): {@code torn} (holes), {@code stained} (blotches).</li>
 * </ul>
 * Deterministic for a seed; the output has the input's shape.
 */
public final class AttributeOps {
    /** a pixel belongs to the item when its brightest channel exceeds this */
    static final int ON = 16;

    /** The operations, in the order they are applied. */
    public enum Op {
        /** keep the top 45% (a trouser becomes shorts) */
        SHORTS,
        /** keep the part below the waist, moved up (a dress becomes a skirt) */
        SKIRT,
        /** ×0.75 in both directions */
        SMALL,
        /** ×1.2 in both directions */
        LARGE,
        /** ×1.25 in height, from the top */
        LONG,
        /** ×0.72 in height, from the top */
        SHORT,
        /** ×1.25 in width */
        WIDE,
        /** ×0.78 in width */
        SLIM,
        /** erase the sleeves below the shoulders */
        SLEEVELESS,
        /** erase the sleeves below 38% of the height */
        SHORT_SLEEVES,
        /** extend the sleeves to the hem */
        LONG_SLEEVES,
        /** a pocket outline on the chest */
        POCKET,
        /** a row of buttons down the middle */
        BUTTONS,
        /** a zip line down the middle */
        ZIP,
        /** a band at the waist */
        BELT,
        /** a hood above the neck */
        HOOD,
        /** horizontal 2-pixel stripes */
        STRIPED,
        /** 3-pixel checks */
        CHECKED,
        /** a grid of dots */
        DOTTED,
        /** a patch on the chest */
        PRINT,
        /** a fine vertical rib */
        KNITTED,
        /** ×0.45 */
        DARK,
        /** halfway to white */
        LIGHT,
        /** ×1.35 + 25 */
        BRIGHT,
        /** seeded holes */
        TORN,
        /** seeded blotches */
        STAINED;

        /** @return the name used in the grammar file ({@code short-sleeves}) */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * @param name  an operation name as written in a grammar file
         * @param where file and line, for the message
         * @return the operation
         * @throws InvalidInputException naming the unknown operation and the known ones
         */
        public static Op parse(String name, String where) {
            for (Op op : values()) {
                if (op.wire().equals(name.toLowerCase(Locale.ROOT))) {
                    return op;
                }
            }
            StringBuilder known = new StringBuilder();
            for (Op op : values()) {
                known.append(known.length() == 0 ? "" : ", ").append(op.wire());
            }
            throw new InvalidInputException(where + ": unknown attribute operation '" + name + "' (known: " + known
                    + ")");
        }
    }

    private final byte[] px;
    private final int w;
    private final int h;
    private final int c;
    private int x0;
    private int y0;
    private int x1;
    private int y1;

    private AttributeOps(byte[] px, int w, int h, int c) {
        this.px = px;
        this.w = w;
        this.h = h;
        this.c = c;
        box();
    }

    /**
     * @param ops  operations asked for (repeats count once)
     * @param px   row-major pixels, channels interleaved (not changed)
     * @param w    width
     * @param h    height
     * @param c    channels, 1 or 3
     * @param seed seed of the damage positions
     * @return new pixels of the same shape (a copy even when there is nothing to do)
     */
    public static byte[] apply(List<Op> ops, byte[] px, int w, int h, int c, long seed) {
        AttributeOps a = new AttributeOps(px.clone(), w, h, c);
        if (ops.isEmpty() || a.x1 < a.x0) {
            return a.px;
        }
        EnumSet<Op> set = EnumSet.copyOf(ops);
        SplittableRandom rnd = new SplittableRandom(seed);
        if (set.contains(Op.SHORTS)) {
            a.keepRows(a.y0, a.y0 + (int) Math.round(0.45 * a.height()));
        }
        if (set.contains(Op.SKIRT)) {
            a.skirt();
        }
        a.geometry(set);
        if (set.contains(Op.SLEEVELESS)) {
            a.eraseSleeves(0.12);
        } else if (set.contains(Op.SHORT_SLEEVES)) {
            a.eraseSleeves(0.38);
        } else if (set.contains(Op.LONG_SLEEVES)) {
            a.extendSleeves();
        }
        a.parts(set);
        a.pattern(set);
        a.tone(set);
        if (set.contains(Op.TORN)) {
            a.blots(rnd, 4, 1, true);
        }
        if (set.contains(Op.STAINED)) {
            a.blots(rnd, 3, 2, false);
        }
        return a.px;
    }

    private int height() {
        return y1 - y0 + 1;
    }

    private int width() {
        return x1 - x0 + 1;
    }

    private int value(int x, int y) {
        int v = 0;
        for (int k = 0; k < c; k++) {
            v = Math.max(v, px[(y * w + x) * c + k] & 0xff);
        }
        return v;
    }

    private boolean on(int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && value(x, y) > ON;
    }

    /** The bounding box of the item's pixels (x1 &lt; x0 when there are none). */
    private void box() {
        x0 = w;
        y0 = h;
        x1 = -1;
        y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (on(x, y)) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
    }

    /** Applies {@code f} to every channel of the pixel. */
    private void map(int x, int y, java.util.function.IntUnaryOperator f) {
        for (int k = 0; k < c; k++) {
            int i = (y * w + x) * c + k;
            px[i] = (byte) Math.max(0, Math.min(255, f.applyAsInt(px[i] & 0xff)));
        }
    }

    private void set(int x, int y, int v) {
        map(x, y, old -> v);
    }

    private void keepRows(int from, int to) {
        for (int y = 0; y < h; y++) {
            if (y < from || y > to) {
                for (int x = 0; x < w; x++) {
                    set(x, y, 0);
                }
            }
        }
        box();
    }

    private void skirt() {
        int waist = y0 + (int) Math.round(0.4 * height());
        int shift = waist - y0;
        byte[] out = new byte[px.length];
        for (int y = 0; y + shift < h; y++) {
            System.arraycopy(px, (y + shift) * w * c, out, y * w * c, w * c);
        }
        for (int y = 0; y < y0; y++) {
            java.util.Arrays.fill(out, y * w * c, (y + 1) * w * c, (byte) 0);
        }
        System.arraycopy(out, 0, px, 0, px.length);
        box();
    }

    private void geometry(EnumSet<Op> set) {
        double sx = 1;
        double sy = 1;
        if (set.contains(Op.SMALL)) {
            sx *= 0.75;
            sy *= 0.75;
        }
        if (set.contains(Op.LARGE)) {
            sx *= 1.2;
            sy *= 1.2;
        }
        if (set.contains(Op.LONG)) {
            sy *= 1.25;
        }
        if (set.contains(Op.SHORT)) {
            sy *= 0.72;
        }
        if (set.contains(Op.WIDE)) {
            sx *= 1.25;
        }
        if (set.contains(Op.SLIM)) {
            sx *= 0.78;
        }
        if (sx == 1 && sy == 1) {
            return;
        }
        double ax = (x0 + x1) / 2.0;
        boolean fromTop = set.contains(Op.LONG) || set.contains(Op.SHORT);
        double ay = fromTop ? y0 - 0.5 : (y0 + y1) / 2.0;
        byte[] src = px.clone();
        int top = y0;
        for (int y = 0; y < h; y++) {
            if (fromTop && y < top) {
                continue; // above the item: unchanged
            }
            for (int x = 0; x < w; x++) {
                double sxp = ax + (x - ax) / sx;
                double syp = ay + (y - ay) / sy;
                for (int k = 0; k < c; k++) {
                    px[(y * w + x) * c + k] = (byte) Math.round(bilinear(src, k, sxp, syp));
                }
            }
        }
        box();
    }

    private double bilinear(byte[] src, int k, double x, double y) {
        int xa = (int) Math.floor(x);
        int ya = (int) Math.floor(y);
        double fx = x - xa;
        double fy = y - ya;
        return (1 - fx) * (1 - fy) * at(src, k, xa, ya) + fx * (1 - fy) * at(src, k, xa + 1, ya)
                + (1 - fx) * fy * at(src, k, xa, ya + 1) + fx * fy * at(src, k, xa + 1, ya + 1);
    }

    private int at(byte[] src, int k, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : src[(y * w + x) * c + k] & 0xff;
    }

    private boolean inSleeveBand(int x) {
        int band = Math.max(1, (int) Math.round(0.22 * width()));
        return x < x0 + band || x > x1 - band;
    }

    private void eraseSleeves(double fromHeight) {
        int from = y0 + (int) Math.round(fromHeight * height());
        for (int y = from; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (inSleeveBand(x)) {
                    set(x, y, 0);
                }
            }
        }
        box();
    }

    private void extendSleeves() {
        int ref = y0 + (int) Math.round(0.3 * height());
        int from = y0 + (int) Math.round(0.38 * height());
        for (int x = x0; x <= x1; x++) {
            if (!inSleeveBand(x) || !on(x, ref)) {
                continue;
            }
            int v = value(x, ref);
            for (int y = from; y <= y1; y++) {
                if (!on(x, y)) {
                    set(x, y, v);
                }
            }
        }
        box();
    }

    /** A tone that stands out against the item's own: darker on light pixels, lighter on dark ones. */
    private void contrast(int x, int y) {
        if (on(x, y)) {
            map(x, y, v -> v > 110 ? (int) Math.round(v * 0.35) : v + 110);
        }
    }

    private void parts(EnumSet<Op> set) {
        int cx = (x0 + x1) / 2;
        int hh = height();
        int ww = width();
        if (set.contains(Op.POCKET)) {
            int px0 = cx + (int) Math.round(0.08 * ww);
            int px1 = cx + (int) Math.round(0.3 * ww);
            int py0 = y0 + (int) Math.round(0.22 * hh);
            int py1 = y0 + (int) Math.round(0.4 * hh);
            for (int x = px0; x <= px1; x++) {
                contrast(x, py0);
                contrast(x, py1);
            }
            for (int y = py0 + 1; y < py1; y++) {
                contrast(px0, y);
                contrast(px1, y);
            }
        }
        if (set.contains(Op.BUTTONS)) {
            for (int k = 1; k <= 5; k++) {
                contrast(cx, y0 + (int) Math.round(k * 0.16 * hh));
            }
        }
        if (set.contains(Op.ZIP)) {
            for (int y = y0 + 1; y <= y1; y++) {
                contrast(cx, y);
            }
        }
        if (set.contains(Op.BELT)) {
            int wy = y0 + (int) Math.round(0.5 * hh);
            for (int y = wy - 1; y <= wy + 1; y++) {
                for (int x = x0; x <= x1; x++) {
                    contrast(x, y);
                }
            }
        }
        if (set.contains(Op.HOOD)) {
            hood(cx, ww);
        }
    }

    private void hood(int cx, int ww) {
        int r = Math.max(2, (int) Math.round(0.2 * ww));
        int tone = meanOn();
        for (int y = Math.max(0, y0 - r); y <= y0 + 1; y++) {
            for (int x = cx - r; x <= cx + r; x++) {
                int dx = x - cx;
                int dy = y - y0;
                if (x >= 0 && x < w && dx * dx + dy * dy <= r * r) {
                    set(x, y, tone);
                }
            }
        }
        box();
    }

    private int meanOn() {
        long sum = 0;
        int n = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (on(x, y)) {
                    sum += value(x, y);
                    n++;
                }
            }
        }
        return n == 0 ? 128 : (int) (sum / n);
    }

    private void pattern(EnumSet<Op> set) {
        int cx = (x0 + x1) / 2;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int dy = y - y0;
                int dx = x - x0;
                boolean mark = set.contains(Op.STRIPED) && dy / 2 % 2 == 1
                        || set.contains(Op.CHECKED) && (dy / 3 + dx / 3) % 2 == 1
                        || set.contains(Op.DOTTED) && dy % 5 == 2 && dx % 5 == 2
                        || set.contains(Op.PRINT) && Math.abs(x - cx) <= 0.18 * width()
                                && dy >= 0.2 * height() && dy <= 0.42 * height();
                if (mark) {
                    contrast(x, y);
                } else if (set.contains(Op.KNITTED) && dx % 2 == 0 && on(x, y)) {
                    map(x, y, v -> (int) Math.round(v * 0.72));
                }
            }
        }
    }

    private void tone(EnumSet<Op> set) {
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (!on(x, y)) {
                    continue;
                }
                if (set.contains(Op.DARK)) {
                    map(x, y, v -> (int) Math.round(v * 0.45));
                }
                if (set.contains(Op.LIGHT)) {
                    map(x, y, v -> v + (int) Math.round((255 - v) * 0.5));
                }
                if (set.contains(Op.BRIGHT)) {
                    map(x, y, v -> (int) Math.round(v * 1.35 + 25));
                }
            }
        }
    }

    /** n seeded blots of radius r on the item: holes (black) or stains (contrasting). */
    private void blots(SplittableRandom rnd, int n, int r, boolean hole) {
        for (int i = 0; i < n; i++) {
            int bx = x0 + rnd.nextInt(width());
            int by = y0 + rnd.nextInt(height());
            for (int y = by - r; y <= by + r; y++) {
                for (int x = bx - r; x <= bx + r; x++) {
                    if (on(x, y)) {
                        if (hole) {
                            set(x, y, 0);
                        } else {
                            map(x, y, v -> v > 60 ? (int) Math.round(v * 0.35) : v + 70);
                        }
                    }
                }
            }
        }
    }
}
