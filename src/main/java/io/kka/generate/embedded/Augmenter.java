package io.kka.generate.embedded;

import io.kka.config.EmbeddedImageConfig;
import java.util.SplittableRandom;

/**
 * Seeded augmentation of a bank image: horizontal flip, zoom about the centre, shift (bilinear resampling,
 * black outside), then a brightness gain and a gamma change for contrast. Gain and gamma keep black pixels black,
 * so the augmentation adds no background cue that a detector could learn instead of the item's shape.
 */
final class Augmenter {
    private final EmbeddedImageConfig cfg;

    Augmenter(EmbeddedImageConfig cfg) {
        this.cfg = cfg;
    }

    /**
     * @param px       row-major pixels, channels interleaved
     * @param w        width
     * @param h        height
     * @param channels 1 or 3
     * @param seed     augmentation seed
     * @return new pixels of the same shape
     */
    byte[] apply(byte[] px, int w, int h, int channels, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean flip = rnd.nextDouble() < cfg.flipProbability();
        double zoom = 1 + uniform(rnd, cfg.scale());
        double dx = uniform(rnd, cfg.maxShift());
        double dy = uniform(rnd, cfg.maxShift());
        double gain = 1 + uniform(rnd, cfg.brightness());
        double gamma = 1 + uniform(rnd, cfg.contrast());
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        byte[] out = new byte[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sx = cx + (x - cx - dx) / zoom;
                double sy = cy + (y - cy - dy) / zoom;
                if (flip) {
                    sx = w - 1 - sx;
                }
                for (int c = 0; c < channels; c++) {
                    double v = bilinear(px, w, h, channels, c, sx, sy) / 255.0;
                    double t = 255.0 * gain * StrictMath.pow(v, gamma);
                    out[(y * w + x) * channels + c] = (byte) Math.max(0, Math.min(255, Math.round(t)));
                }
            }
        }
        return out;
    }

    private static double uniform(SplittableRandom rnd, double amplitude) {
        return amplitude == 0 ? 0 : (rnd.nextDouble() * 2 - 1) * amplitude;
    }

    private static double bilinear(byte[] px, int w, int h, int channels, int c, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fx) * (1 - fy) * at(px, w, h, channels, c, x0, y0) + fx * (1 - fy) * at(px, w, h, channels, c,
                x0 + 1, y0) + (1 - fx) * fy * at(px, w, h, channels, c, x0, y0 + 1) + fx * fy * at(px, w, h,
                channels, c, x0 + 1, y0 + 1);
    }

    private static int at(byte[] px, int w, int h, int channels, int c, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : px[(y * w + x) * channels + c] & 0xff;
    }
}
