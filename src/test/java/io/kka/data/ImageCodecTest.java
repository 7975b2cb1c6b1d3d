package io.kka.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.bench.fake.FakeReplies;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tests for {@link ImageCodec}. */
class ImageCodecTest {

    private static byte[] rgbPng(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 80);
            }
        }
        return ImageCodec.png(img);
    }

    @Test
    void pixelsRoundTripThroughPng() throws Exception {
        byte[] px = new byte[12 * 10 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        byte[] png = ImageCodec.png(ImageCodec.fromPixels(px, 12, 10, 3));
        assertArrayEquals(px, ImageCodec.pixels(ImageCodec.decode(png, "x")));
    }

    @Test
    void emptyNonImageAndCorruptFilesAreNamedBadRecords() {
        assertEquals("a.png: empty file",
                assertThrows(BadRecordException.class, () -> ImageCodec.decode(new byte[0], "a.png")).getMessage());
        String msg = assertThrows(BadRecordException.class,
                () -> ImageCodec.decode("hello, not an image".getBytes(StandardCharsets.UTF_8), "b.txt")).getMessage();
        assertTrue(msg.startsWith("b.txt: not an image"), msg);
        byte[] png = rgbPng(40, 40);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        msg = assertThrows(BadRecordException.class, () -> ImageCodec.decode(truncated, "c.png")).getMessage();
        assertTrue(msg.startsWith("c.png: corrupt image"), msg);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] bomb = FakeReplies.bombPng(32_000, 32_000);
        assertTrue(bomb.length < 4096, "a small file: " + bomb.length + " bytes");
        assertArrayEquals(new long[] {32_000, 32_000}, ImageCodec.declaredSize(bomb));
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        String msg = assertThrows(BadRecordException.class, () -> ImageCodec.decode(bomb, "bomb.png")).getMessage();
        double ms = (System.nanoTime() - t0) / 1e6;
        assertEquals("bomb.png: the image declares 32000x32000 pixels, over the cap of 25000000"
                + " (data.max_image_pixels); not decoded", msg);
        // the 1 GB raster was never allocated (a decoder that trusts the header allocates it before any pixel)
        long grew = rt.totalMemory() - rt.freeMemory() - before;
        assertTrue(grew < 512L << 20, "heap grew by " + (grew >> 20) + " MB");
        assertTrue(ms < 5_000, "refused in " + ms + " ms");
        // a cap is a cap: a modest image over a small one is refused the same way, one under it decodes
        assertTrue(assertThrows(BadRecordException.class, () -> ImageCodec.decode(rgbPng(64, 48), "d.png", 3000))
                .getMessage().startsWith("d.png: the image declares 64x48 pixels, over the cap of 3000"));
        assertEquals(64, ImageCodec.decode(rgbPng(64, 48), "d.png", 64 * 48).getWidth());
        assertEquals(null, ImageCodec.declaredSize("not an image".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void normalizeResizesAndConvertsOrRejects() throws Exception {
        BufferedImage rgb = ImageCodec.decode(rgbPng(64, 48), "d.png");
        BufferedImage gray = ImageCodec.normalize(rgb, 28, 1, true, true, "d.png");
        assertEquals(28, gray.getWidth());
        assertEquals(1, ImageCodec.channels(gray));
        assertEquals("d.png: unexpected size 64x48, expected 28x28 (data.resize is false)",
                assertThrows(BadRecordException.class,
                        () -> ImageCodec.normalize(rgb, 28, 1, false, true, "d.png")).getMessage());
        assertEquals("d.png: unexpected channel count 3, expected 1 (data.convert_channels is false)",
                assertThrows(BadRecordException.class,
                        () -> ImageCodec.normalize(rgb, 64, 1, true, false, "d.png")).getMessage());
    }

    @Test
    void chwIsChannelMajorInUnitRange() throws Exception {
        byte[] px = {(byte) 255, 0, 0, 0, (byte) 255, 0};
        float[] chw = ImageCodec.chw(ImageCodec.png(ImageCodec.fromPixels(px, 2, 1, 3)), 3, "e");
        assertArrayEquals(new float[] {1f, 0f, 0f, 1f, 0f, 0f}, chw);
    }

    @Test
    void sampleIdIsStableAndDependsOnSourceAndPixels() {
        byte[] px = {1, 2, 3};
        String id = ImageCodec.sampleId("s", px);
        assertEquals(32, id.length());
        assertEquals(id, ImageCodec.sampleId("s", px.clone()));
        assertNotEquals(id, ImageCodec.sampleId("t", px));
        assertNotEquals(id, ImageCodec.sampleId("s", new byte[] {1, 2, 4}));
    }
}
