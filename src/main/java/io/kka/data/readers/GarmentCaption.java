package io.kka.data.readers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Synthetic captions for Fashion-MNIST, which has none: a few words read off the pixels of a 28×28 image, in the
 * vocabulary the embedded stand-ins use ({@code conf/knowledge/fashion-attributes.txt}), so that the prompt's
 * normal examples say what the normal class looks like ("a light wide t-shirt with short sleeves").
 *
 * <p>What is measured, on the item's pixels (brighter than 16) and their bounding box:
 * <ul>
 *   <li>tone from the mean brightness: dark &lt; 100 ≤ grey &lt; 150 ≤ light &lt; 190 ≤ bright;</li>
 *   <li>width (or, for footwear and bags, height) against the lower and upper quartile of the class, measured on
 *       the first 20,000 training images: "slim" or "wide" for garments, "small" or "large" for the rest;</li>
 *   <li>texture, the mean absolute difference between vertically adjacent item pixels relative to their mean:
 *       "plain" below 0.09, "patterned" above 0.22;</li>
 *   <li>sleeves for tops: the fraction of the outer 22% of the box (each side) that is lit below 40% of the
 *       height: "short sleeves" below 0.3, "long sleeves" above 0.7.</li>
 * </ul>
 * Deterministic and row-local; documented in the README as synthetic.
 */
final class GarmentCaption {
    /** class → {lower quartile, upper quartile} of the measured extent (width; height for footwear and bags) */
    private static final Map<String, double[]> EXTENT = Map.of(
            "T-shirt/top", new double[] {21, 24}, "Trouser", new double[] {11, 12},
            "Pullover", new double[] {20, 22}, "Dress", new double[] {12.5, 17}, "Coat", new double[] {19, 22},
            "Sandal", new double[] {12, 21}, "Shirt", new double[] {20, 23}, "Sneaker", new double[] {12, 15},
            "Bag", new double[] {19, 28}, "Ankle boot", new double[] {18, 24});
    private static final List<String> TOPS = List.of("T-shirt/top", "Pullover", "Coat", "Shirt");
    private static final List<String> BY_HEIGHT = List.of("Sandal", "Sneaker", "Bag", "Ankle boot");
    private static final int SIDE = 28;

    private GarmentCaption() {
    }

    /**
     * @param pixels 28×28 grayscale, row-major
     * @param cls    class name
     * @return e.g. "a dark slim trouser", "a light plain t-shirt with short sleeves"
     */
    static String of(byte[] pixels, String cls) {
        int x0 = SIDE;
        int y0 = SIDE;
        int x1 = -1;
        int y1 = -1;
        long sum = 0;
        int on = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int v = pixels[y * SIDE + x] & 0xff;
                if (v > 16) {
                    sum += v;
                    on++;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        String noun = cls.equals("T-shirt/top") ? "t-shirt" : cls.toLowerCase(Locale.ROOT);
        if (on == 0) {
            return "a " + noun;
        }
        double mean = (double) sum / on;
        List<String> words = new ArrayList<>();
        words.add(mean < 100 ? "dark" : mean < 150 ? "grey" : mean < 190 ? "light" : "bright");
        double[] q = EXTENT.get(cls);
        if (q != null) {
            boolean byHeight = BY_HEIGHT.contains(cls);
            int extent = byHeight ? y1 - y0 + 1 : x1 - x0 + 1;
            if (extent < q[0]) {
                words.add(byHeight ? "small" : "slim");
            } else if (extent > q[1]) {
                words.add(byHeight ? "large" : "wide");
            }
        }
        double tex = texture(pixels, mean);
        if (tex < 0.09) {
            words.add("plain");
        } else if (tex > 0.22) {
            words.add("patterned");
        }
        words.add(noun);
        String caption = "a " + String.join(" ", words);
        if (TOPS.contains(cls)) {
            double s = sleeves(pixels, x0, y0, x1, y1);
            caption += s < 0.3 ? " with short sleeves" : s > 0.7 ? " with long sleeves" : "";
        }
        return caption;
    }

    private static double texture(byte[] px, double mean) {
        double diff = 0;
        int n = 0;
        for (int y = 1; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int a = px[y * SIDE + x] & 0xff;
                int b = px[(y - 1) * SIDE + x] & 0xff;
                if (a > 16 && b > 16) {
                    diff += Math.abs(a - b);
                    n++;
                }
            }
        }
        return n == 0 ? 0 : diff / n / Math.max(1, mean);
    }

    private static double sleeves(byte[] px, int x0, int y0, int x1, int y1) {
        int w = x1 - x0 + 1;
        int h = y1 - y0 + 1;
        int band = Math.max(1, (int) Math.round(0.22 * w));
        int lit = 0;
        int all = 0;
        for (int y = y0 + (int) Math.round(0.4 * h); y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (x < x0 + band || x > x1 - band) {
                    lit += (px[y * SIDE + x] & 0xff) > 16 ? 1 : 0;
                    all++;
                }
            }
        }
        return all == 0 ? 0 : (double) lit / all;
    }
}
