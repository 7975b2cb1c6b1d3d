package io.kka.data;

import io.kka.config.DataConfig;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes, validates, normalises and encodes images; all methods are pure and run on executors.
 *
 * <p>Stored images are PNG at {@code size × size} with 1 (grayscale) or 3 (RGB) channels; an alpha channel is
 * dropped (composited onto black).
 */
public final class ImageCodec {
    static {
        ImageIO.setUseCache(false);
    }

    private ImageCodec() {
    }

    /**
     * {@link #decode(byte[], String, long)} with the default cap, {@link DataConfig#DEFAULT_MAX_IMAGE_PIXELS}: for
     * images this job wrote itself.
     *
     * @param bytes  encoded image
     * @param source the record's name for the error message
     * @return the decoded image
     * @throws BadRecordException for an empty file, a non-image, a corrupt image or one over the cap
     */
    public static BufferedImage decode(byte[] bytes, String source) throws BadRecordException {
        return decode(bytes, source, DataConfig.DEFAULT_MAX_IMAGE_PIXELS);
    }

    /**
     * Decodes an image after checking the size its header declares: a small file can declare a huge image (a
     * "decompression bomb": a 1 MB PNG of 32000×32000 pixels decodes into 1 GB or more), so the header is read
     * first and an image over {@code maxPixels} is refused before any pixel memory is allocated.
     *
     * @param bytes     encoded image (any format ImageIO reads: PNG, JPEG, BMP, GIF, TIFF)
     * @param source    the record's name for the error message
     * @param maxPixels the most pixels (width × height) an image may declare
     * @return the decoded image
     * @throws BadRecordException for an empty file, a non-image, a corrupt image or one over the cap
     */
    public static BufferedImage decode(byte[] bytes, String source, long maxPixels) throws BadRecordException {
        if (bytes == null || bytes.length == 0) {
            throw new BadRecordException(source + ": empty file");
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadRecordException(source + ": not an image (no decoder recognises its "
                        + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new BadRecordException(source + ": corrupt image (size " + w + "x" + h + ")");
                }
                if (w * h > maxPixels) {
                    throw new BadRecordException(source + ": the image declares " + w + "x" + h + " pixels, over the"
                            + " cap of " + maxPixels + " (data.max_image_pixels); not decoded");
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new BadRecordException(source + ": corrupt image (" + oneLine(e) + ")");
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new BadRecordException(source + ": corrupt image (no pixels decoded)");
        }
        return img;
    }

    /**
     * Reads only the header of an encoded image.
     *
     * @param bytes encoded image, or null
     * @return {width, height} as the header declares them, or null when no decoder recognises the bytes or the
     *         header cannot be read
     */
    public static long[] declaredSize(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return the number of colour channels of a decoded image (1 or 3; alpha not counted) */
    public static int channels(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
    }

    /**
     * Brings an image to {@code size × size × channels}.
     *
     * @param img             decoded image
     * @param size            target side, pixels
     * @param channels        1 or 3
     * @param resize          if false, a size mismatch is a bad record
     * @param convertChannels if false, a channel mismatch is a bad record
     * @param source          the record's name for the error message
     * @return a TYPE_BYTE_GRAY or TYPE_3BYTE_BGR image of the target shape
     * @throws BadRecordException on a mismatch that is not allowed
     */
    public static BufferedImage normalize(BufferedImage img, int size, int channels, boolean resize,
            boolean convertChannels, String source) throws BadRecordException {
        if (!resize && (img.getWidth() != size || img.getHeight() != size)) {
            throw new BadRecordException(source + ": unexpected size " + img.getWidth() + "x" + img.getHeight()
                    + ", expected " + size + "x" + size + " (data.resize is false)");
        }
        int have = channels(img);
        if (!convertChannels && have != channels) {
            throw new BadRecordException(source + ": unexpected channel count " + have + ", expected " + channels
                    + " (data.convert_channels is false)");
        }
        int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        if (img.getType() == type && img.getWidth() == size && img.getHeight() == size) {
            return img;
        }
        BufferedImage src = img;
        // halve in steps first: one bilinear step from 512 px to 28 px would alias badly
        while (src.getWidth() >= 2 * size && src.getHeight() >= 2 * size) {
            src = scale(src, src.getWidth() / 2, src.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
        }
        BufferedImage out = new BufferedImage(size, size, type);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    private static BufferedImage scale(BufferedImage src, int w, int h, int type) {
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /**
     * @param pixels   row-major bytes, channels interleaved (RGB order for 3 channels)
     * @param width    width
     * @param height   height
     * @param channels 1 or 3
     * @return an image holding exactly these pixels
     */
    public static BufferedImage fromPixels(byte[] pixels, int width, int height, int channels) {
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("expected " + width * height * channels + " bytes, found "
                    + pixels.length);
        }
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (channels == 1) {
            System.arraycopy(pixels, 0, dst, 0, pixels.length);
        } else {
            for (int i = 0; i < width * height; i++) {
                dst[3 * i] = pixels[3 * i + 2];
                dst[3 * i + 1] = pixels[3 * i + 1];
                dst[3 * i + 2] = pixels[3 * i];
            }
        }
        return img;
    }

    /**
     * @param img a normalised image (TYPE_BYTE_GRAY or TYPE_3BYTE_BGR)
     * @return its pixels row-major, channels interleaved in RGB order
     */
    public static byte[] pixels(BufferedImage img) {
        int channels = channels(img);
        if (img.getType() != BufferedImage.TYPE_BYTE_GRAY && img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(),
                    channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = copy.createGraphics();
            g.drawImage(img, 0, 0, null);
            g.dispose();
            img = copy;
        }
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (channels == 1) {
            return data.clone();
        }
        byte[] rgb = new byte[data.length];
        for (int i = 0; i < data.length; i += 3) {
            rgb[i] = data[i + 2];
            rgb[i + 1] = data[i + 1];
            rgb[i + 2] = data[i];
        }
        return rgb;
    }

    /** @return the image as PNG bytes */
    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Pixels as floats in [0, 1], channel-major (CHW), the layout DL4J convolution layers expect (NCHW).
     *
     * @param png      stored PNG
     * @param channels expected channels
     * @return {@code channels × height × width} floats
     * @throws BadRecordException if the bytes do not decode
     */
    public static float[] chw(byte[] png, int channels, String source) throws BadRecordException {
        BufferedImage img = decode(png, source);
        if (channels(img) != channels) {
            throw new BadRecordException(source + ": unexpected channel count " + channels(img) + ", expected "
                    + channels);
        }
        byte[] px = pixels(img);
        int hw = img.getWidth() * img.getHeight();
        float[] out = new float[channels * hw];
        for (int i = 0; i < hw; i++) {
            for (int c = 0; c < channels; c++) {
                out[c * hw + i] = (px[i * channels + c] & 0xff) / 255f;
            }
        }
        return out;
    }

    /**
     * The stable content hash used as {@code sample_id}: SHA-256 over the source key and the normalised pixels,
     * first 32 hex characters. Identical pixels from two sources get two ids; re-ingesting gives the same ids.
     *
     * @param source the record's source key
     * @param pixels normalised pixels
     * @return 32 hex characters
     */
    public static String sampleId(String source, byte[] pixels) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(source.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(pixels);
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
