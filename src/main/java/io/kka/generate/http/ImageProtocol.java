package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.ImageGenConfig;
import io.kka.data.ImageCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Text-to-image protocols: the OpenAI images API ({@code POST {base_url}/images/generations}, {@code b64_json})
 * and AUTOMATIC1111 ({@code POST {base_url}/sdapi/v1/txt2img}, base64 {@code images[]}).
 */
public abstract class ImageProtocol implements ReplyCheck {
    private static final long serialVersionUID = 1L;
    static final ObjectMapper JSON = new ObjectMapper();
    final ImageGenConfig cfg;
    private final String listField;
    private final long maxPixels;

    private ImageProtocol(ImageGenConfig cfg, String listField, long maxPixels) {
        this.cfg = cfg;
        this.listField = listField;
        this.maxPixels = maxPixels;
    }

    /**
     * @param kind      OPENAI_IMAGES or AUTOMATIC1111
     * @param cfg       image settings
     * @param maxPixels the most pixels a returned image may declare ({@code data.max_image_pixels})
     * @return the protocol
     */
    public static ImageProtocol of(EndpointKind kind, ImageGenConfig cfg, long maxPixels) {
        return switch (kind) {
            case OPENAI_IMAGES -> new OpenAi(cfg, maxPixels);
            case AUTOMATIC1111 -> new Automatic1111(cfg, maxPixels);
            default -> throw new IllegalArgumentException(kind + " is not an image protocol");
        };
    }

    /**
     * @param description the text to render
     * @param seed        the request seed (sent where the protocol has a seed field)
     * @return the request body, fields in a fixed order
     */
    public abstract ObjectNode body(String description, long seed);

    /**
     * @param reply a checked reply
     * @return the base64 images in reply order; null for an entry without base64 data
     */
    public abstract List<String> images(JsonNode reply);

    @Override
    public JsonNode check(byte[] body) throws MalformedReplyException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new MalformedReplyException("not JSON: " + MalformedReplyException.describe(e));
        }
        if (n != null && n.isObject() && n.hasNonNull("error")) {
            throw new MalformedReplyException("an error inside a 2xx reply: " + HttpAttempt.serverMessage(body));
        }
        if (n == null || !n.isObject() || !n.path(listField).isArray()) {
            throw new MalformedReplyException("no " + listField + " array");
        }
        List<String> images = images(n);
        if (images.isEmpty()) {
            throw new MalformedReplyException("no images in the reply");
        }
        for (int k = 0; k < images.size(); k++) {
            checkImage(k, images.get(k));
        }
        return n;
    }

    /**
     * Reads each image's header before the reply can be cached or decoded. Missing, truncated or undecodable data
     * is a transient content fault: retried, never cached. An image over the pixel cap (a decompression bomb) fails
     * the row without a retry, since the same request would get the same answer.
     */
    private void checkImage(int k, String b64) throws MalformedReplyException {
        if (b64 == null) {
            throw new MalformedReplyException("image " + k + " has no base64 data");
        }
        byte[] bytes = GeneratedImage.base64OrNull(b64);
        if (bytes == null) {
            throw new MalformedReplyException("image " + k + " is truncated or invalid base64 (" + b64.length()
                    + " characters)");
        }
        long[] wh = ImageCodec.declaredSize(bytes);
        if (wh == null) {
            throw new MalformedReplyException("image " + k + " is not a decodable image (" + bytes.length
                    + " bytes)");
        }
        if (wh[0] * wh[1] > maxPixels) {
            throw new MalformedReplyException("an image declares " + wh[0] + "x" + wh[1] + " pixels, over the cap"
                    + " of " + maxPixels + " (data.max_image_pixels); not decoded, not cached", false);
        }
    }

    /** OpenAI images API. */
    private static final class OpenAi extends ImageProtocol {
        private static final long serialVersionUID = 1L;

        OpenAi(ImageGenConfig cfg, long maxPixels) {
            super(cfg, "data", maxPixels);
        }

        @Override
        public ObjectNode body(String description, long seed) {
            ObjectNode b = JSON.createObjectNode();
            b.put("model", cfg.model());
            b.put("prompt", description);
            b.put("n", cfg.imagesPerDescription());
            b.put("size", cfg.size());
            if (!cfg.responseFormat().isEmpty()) {
                b.put("response_format", cfg.responseFormat());
            }
            return b;
        }

        @Override
        public List<String> images(JsonNode reply) {
            List<String> out = new ArrayList<>();
            reply.path("data").forEach(d -> out.add(d.path("b64_json").isTextual() ? d.path("b64_json").asText()
                    : null));
            return out;
        }
    }

    /** AUTOMATIC1111 stable-diffusion-webui. */
    private static final class Automatic1111 extends ImageProtocol {
        private static final long serialVersionUID = 1L;

        Automatic1111(ImageGenConfig cfg, long maxPixels) {
            super(cfg, "images", maxPixels);
        }

        @Override
        public ObjectNode body(String description, long seed) {
            ObjectNode b = JSON.createObjectNode();
            b.put("prompt", description);
            b.put("negative_prompt", cfg.negativePrompt());
            b.put("steps", cfg.steps());
            b.put("cfg_scale", cfg.cfgScale());
            b.put("width", cfg.width());
            b.put("height", cfg.height());
            // the webui takes a 32-bit seed and -1 means random: keep it non-negative
            b.put("seed", seed & 0x7fffffffL);
            b.put("batch_size", cfg.imagesPerDescription());
            b.put("n_iter", 1);
            if (!cfg.sampler().isEmpty()) {
                b.put("sampler_name", cfg.sampler());
            }
            b.put("send_images", true);
            b.put("save_images", false);
            return b;
        }

        @Override
        public List<String> images(JsonNode reply) {
            List<String> out = new ArrayList<>();
            reply.path("images").forEach(d -> out.add(d.isTextual() ? d.asText() : null));
            return out;
        }
    }
}
