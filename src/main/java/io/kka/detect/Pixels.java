package io.kka.detect;

import io.kka.data.BadRecordException;
import io.kka.data.ImageCodec;
import io.kka.data.InvalidInputException;
import java.awt.image.BufferedImage;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** PNG bytes → network input: channel-major (CHW) bytes, and minibatches of flat float rows in [0, 1]. */
public final class Pixels {
    private Pixels() {
    }

    /**
     * @param png      stored PNG
     * @param side     expected side, pixels
     * @param channels expected channels
     * @param sampleId the row's id for the message
     * @return CHW bytes
     * @throws InvalidInputException if the image does not decode or has another shape
     */
    public static byte[] chw(byte[] png, int side, int channels, String sampleId) {
        BufferedImage img;
        try {
            img = ImageCodec.decode(png, "sample " + sampleId);
        } catch (BadRecordException e) {
            throw new InvalidInputException(e.getMessage());
        }
        int c = ImageCodec.channels(img);
        if (img.getWidth() != side || img.getHeight() != side || c != channels) {
            throw new InvalidInputException("sample " + sampleId + ": image is " + img.getWidth() + "x"
                    + img.getHeight() + "x" + c + " but the model expects " + side + "x" + side + "x" + channels
                    + " (data.image_size, data.channels)");
        }
        byte[] px = ImageCodec.pixels(img);
        if (channels == 1) {
            return px;
        }
        int hw = side * side;
        byte[] out = new byte[px.length];
        for (int i = 0; i < hw; i++) {
            for (int ch = 0; ch < channels; ch++) {
                out[ch * hw + i] = px[i * channels + ch];
            }
        }
        return out;
    }

    /**
     * @param rows   CHW bytes of equal length
     * @param length row length
     * @return {@code [rows, length]} floats in [0, 1]
     */
    public static INDArray batch(List<byte[]> rows, int length) {
        float[] data = new float[rows.size() * length];
        int o = 0;
        for (byte[] r : rows) {
            for (byte b : r) {
                data[o++] = (b & 0xff) / 255f;
            }
        }
        return Nd4j.create(data, new long[] {rows.size(), length}, DataType.FLOAT);
    }

    /**
     * @param png stored PNG
     * @return side and channels of the image, for inferring the model's input shape
     */
    public static int[] shape(byte[] png, String sampleId) {
        try {
            BufferedImage img = ImageCodec.decode(png, "sample " + sampleId);
            if (img.getWidth() != img.getHeight()) {
                throw new InvalidInputException("sample " + sampleId + ": image is " + img.getWidth() + "x"
                        + img.getHeight() + "; the detectors need square images (run kka ingest)");
            }
            return new int[] {img.getWidth(), ImageCodec.channels(img)};
        } catch (BadRecordException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
