package io.kka.bench.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.ImageCodec;
import io.kka.data.SplitHash;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** The fake server's reply bodies: deterministic in the request key, so reruns get identical replies. */
public final class FakeReplies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COLOURS = {"crimson", "mustard", "teal", "charcoal", "ivory", "olive", "violet"};
    private static final String[] ITEMS = {"raincoat", "beret", "scarf", "glove", "belt", "umbrella", "backpack",
        "wristwatch", "necktie", "apron"};
    private static final String[] DEFECTS = {"with a torn seam", "with a burn mark", "with mismatched buttons",
        "with a melted zipper", "with frayed edges", "with a missing strap", "with ink stains"};

    private FakeReplies() {
    }

    /**
     * @param req   the chat request
     * @param key   request key
     * @param lines fixed description lines (empty: generate)
     * @param count descriptions per choice when generating
     * @param empty reply with no choices
     * @return the chat completion body
     */
    static byte[] chat(JsonNode req, String key, List<String> lines, int count, boolean empty) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", "chatcmpl-" + key);
        r.put("object", "chat.completion");
        r.put("created", 1_700_000_000L);
        r.put("model", req.path("model").asText());
        ArrayNode choices = r.putArray("choices");
        int n = empty ? 0 : Math.max(1, req.path("n").asInt(1));
        long completion = 0;
        for (int c = 0; c < n; c++) {
            StringBuilder text = new StringBuilder();
            List<String> body = lines.isEmpty() ? generated(key, c, count) : lines;
            for (int i = 0; i < body.size(); i++) {
                text.append(i + 1).append(". ").append(body.get(i)).append('\n');
            }
            completion += text.length() / 4;
            ObjectNode choice = choices.addObject();
            choice.put("index", c);
            choice.putObject("message").put("role", "assistant").put("content", text.toString());
            choice.put("finish_reason", "stop");
        }
        long prompt = req.path("messages").toString().length() / 4;
        r.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        return bytes(r);
    }

    private static List<String> generated(String key, int choice, int count) {
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            long h = SplitHash.mix(key.hashCode() * 31L + choice * 1009L + i);
            out[i] = "a " + pick(COLOURS, h) + " " + pick(ITEMS, h >>> 16) + " " + pick(DEFECTS, h >>> 32);
        }
        return List.of(out);
    }

    private static String pick(String[] words, long h) {
        return words[(int) Math.floorMod(h, (long) words.length)];
    }

    /**
     * @param openAi    OpenAI images shape (else AUTOMATIC1111)
     * @param req       the request
     * @param key       request key
     * @param side      image side, pixels
     * @param empty     no images
     * @param truncated cut every image's base64 short
     * @param bomb      send images that declare 32000x32000 pixels ({@link #bombPng(int, int)})
     * @param garbage   send valid base64 of bytes that are no image format
     * @return the reply body
     */
    static byte[] images(boolean openAi, JsonNode req, String key, int side, boolean empty, boolean truncated,
            boolean bomb, boolean garbage) {
        int n = empty ? 0 : Math.max(1, openAi ? req.path("n").asInt(1) : req.path("batch_size").asInt(1));
        ObjectNode r = JSON.createObjectNode();
        ArrayNode list = openAi ? r.put("created", 1_700_000_000L).putArray("data") : r.putArray("images");
        for (int k = 0; k < n; k++) {
            byte[] image = bomb ? bombPng(32_000, 32_000) : garbage ? ("not an image: " + key + "#" + k)
                    .getBytes(StandardCharsets.US_ASCII) : png(key, k, side);
            String b64 = Base64.getEncoder().encodeToString(image);
            if (truncated) {
                b64 = b64.substring(0, b64.length() / 8 * 4 + 1);
            }
            if (openAi) {
                list.addObject().put("b64_json", b64).put("revised_prompt", req.path("prompt").asText());
            } else {
                list.add(b64);
            }
        }
        if (!openAi) {
            r.set("parameters", req);
            r.put("info", "{\"seed\": " + req.path("seed").asLong(-1) + "}");
        }
        return bytes(r);
    }

    /** A seeded RGB pattern, so that different requests give different pixels. */
    static byte[] png(String key, int k, int side) {
        byte[] px = new byte[side * side * 3];
        long h = SplitHash.mix(key.hashCode() * 131L + k);
        for (int i = 0; i < side * side; i++) {
            int x = i % side;
            int y = i / side;
            px[3 * i] = (byte) (x * 255 / side ^ (int) h);
            px[3 * i + 1] = (byte) (y * 255 / side ^ (int) (h >>> 8));
            px[3 * i + 2] = (byte) ((x + y) * 127 / side ^ (int) (h >>> 16));
        }
        return ImageCodec.png(ImageCodec.fromPixels(px, side, side, 3));
    }

    /**
     * A decompression bomb: a grayscale PNG whose header declares {@code width × height} pixels, with the first
     * rows of zeros in its data (a few hundred bytes). A decoder that trusts the header allocates the whole raster
     * (1 GB at 32000 × 32000) before it reads a pixel.
     *
     * @param width  declared width
     * @param height declared height
     * @return the PNG bytes
     */
    public static byte[] bombPng(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(new byte[(width + 1) * 16]);
        d.finish();
        byte[] buf = new byte[1 << 16];
        int n = d.deflate(buf);
        d.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** @return an OpenAI-style error body */
    static byte[] error(String type, String message) {
        ObjectNode r = JSON.createObjectNode();
        r.putObject("error").put("type", type).put("message", message);
        return bytes(r);
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
