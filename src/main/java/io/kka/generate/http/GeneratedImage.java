package io.kka.generate.http;

import io.kka.data.BadRecordException;
import io.kka.data.ImageCodec;
import io.kka.data.Role;
import io.kka.data.Split;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.Base64;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Builds the samples-table rows ({@link io.kka.data.SampleSchema}) of rendered images: role generated, split
 * train, label 1, caption = the description, the image converted to data.image_size × data.channels.
 *
 * @param size      stored side, pixels
 * @param channels  stored channels, 1 or 3
 * @param maxPixels the most pixels a returned image may declare ({@code data.max_image_pixels})
 */
record GeneratedImage(int size, int channels, long maxPixels) implements Serializable {

    /**
     * What every row of one description shares.
     *
     * @param descriptionId the description's id
     * @param promptId      its prompt's id
     * @param iteration     KKA iteration
     * @param description   the text
     * @param llmModel      the language model that wrote it
     * @param imageModel    the image model, as "provider:model"
     * @param seed          the image request seed
     */
    record Origin(String descriptionId, String promptId, Integer iteration, String description, String llmModel,
            String imageModel, long seed) implements Serializable {

        /** @return the {@code source} of image k: "provider:model#description_id" (with "/k" after the first) */
        String source(int k) {
            return imageModel + "#" + descriptionId + (k == 0 ? "" : "/" + k);
        }
    }

    /**
     * Decodes a base64 image and converts it.
     *
     * @param b64 base64 image data
     * @param o   origin
     * @param k   image index within the reply
     * @param u   usage attributed to this row
     * @return the row
     * @throws BadRecordException naming the description when the data is truncated or not an image
     */
    Row decode(String b64, Origin o, int k, Usage u) throws BadRecordException {
        String src = o.source(k);
        byte[] bytes = base64(b64, src);
        BufferedImage img = ImageCodec.normalize(ImageCodec.decode(bytes, src, maxPixels), size, channels, true, true,
                src);
        byte[] pixels = ImageCodec.pixels(img);
        return row(ImageCodec.sampleId(src, pixels), o, k, ImageCodec.png(img), u, null);
    }

    /**
     * @param b64 base64 image data, data-URL prefix allowed
     * @return the bytes, or null when it is not strict, padded base64
     */
    static byte[] base64OrNull(String b64) {
        try {
            return base64(b64, "");
        } catch (BadRecordException e) {
            return null;
        }
    }

    /** Strict base64: padded (a length that is not a multiple of 4 is a truncation), data-URL prefix allowed. */
    private static byte[] base64(String b64, String src) throws BadRecordException {
        String data = b64.startsWith("data:") && b64.contains(",") ? b64.substring(b64.indexOf(',') + 1) : b64;
        data = data.replaceAll("\\s+", "");
        if (data.isEmpty() || data.length() % 4 != 0) {
            throw new BadRecordException(src + ": truncated base64 image (" + data.length() + " characters)");
        }
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(src + ": invalid base64 image (" + e.getMessage() + ")");
        }
    }

    /**
     * @param o     origin
     * @param k     image index
     * @param error why there is no image
     * @param u     usage attributed to this row
     * @return an error row (null image)
     */
    Row error(Origin o, int k, CallError error, Usage u) {
        return row(ImageCodec.sampleId(o.source(k), new byte[0]), o, k, null, u, error);
    }

    private Row row(String sampleId, Origin o, int k, byte[] png, Usage u, CallError error) {
        boolean ok = png != null;
        return RowFactory.create(sampleId, Role.GENERATED.value(), Split.TRAIN.value(), 1, null, o.description(),
                null, png, ok ? size : null, ok ? size : null, ok ? channels : null, o.source(k), o.iteration(),
                o.promptId(), o.llmModel(), o.imageModel(), o.seed(), u.toRow(), error == null ? null : error.toRow(),
                null, null, null);
    }
}
