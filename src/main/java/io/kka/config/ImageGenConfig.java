package io.kka.config;

/**
 * The text-to-image model that renders descriptions (Eq. 4).
 *
 * @param provider             embedded stand-in, OpenAI images API or AUTOMATIC1111
 * @param baseUrl              endpoint base URL
 * @param model                model name (OpenAI images)
 * @param apiKey               secret reference
 * @param size                 requested image size, e.g. 512x512
 * @param steps                sampling steps (AUTOMATIC1111)
 * @param cfgScale             classifier-free guidance scale (AUTOMATIC1111)
 * @param negativePrompt       negative prompt (AUTOMATIC1111)
 * @param sampler              sampler name (AUTOMATIC1111); empty uses the server's default
 * @param responseFormat       response_format sent to the OpenAI images API, default b64_json; empty omits the
 *                             field (gpt-image models always answer base64 and reject it)
 * @param imagesPerDescription images rendered per description
 * @param embedded             settings of the embedded stand-in
 * @param pricePerImage        estimated cost per image
 * @param http                 partition-caller settings
 */
public record ImageGenConfig(
        @Doc("embedded (weight-free stand-in), openai (/v1/images/generations) or automatic1111"
                + " (/sdapi/v1/txt2img)") ImageProvider provider,
        @Doc("endpoint base URL") String baseUrl,
        @Doc("model name (OpenAI images)") String model,
        @Doc("API key as a secret reference env:NAME or file:PATH") SecretRef apiKey,
        @Doc("requested image size WIDTHxHEIGHT; images are then converted to data.image_size") String size,
        @Doc("sampling steps (AUTOMATIC1111)") int steps,
        @Doc("guidance scale (AUTOMATIC1111)") double cfgScale,
        @Doc("negative prompt (AUTOMATIC1111)") String negativePrompt,
        @Doc("sampler_name (AUTOMATIC1111); empty uses the server's default") String sampler,
        @Doc("response_format for the OpenAI images API: b64_json, or empty to omit it (gpt-image models)")
        String responseFormat,
        @Doc("images rendered per description") int imagesPerDescription,
        @Doc("settings of the embedded weight-free stand-in") EmbeddedImageConfig embedded,
        @Doc("estimated cost per image") double pricePerImage,
        @Doc("partition-caller settings for this endpoint") HttpConfig http) implements java.io.Serializable {

    /** Validates. */
    public ImageGenConfig {
        Check.notNull("provider", provider);
        if (provider != ImageProvider.EMBEDDED) {
            Check.notNull("http", http);
            Check.endpoint(baseUrl, apiKey, http.allowInsecureHttp());
        }
        Check.notBlank("model", model);
        if (size == null || !size.matches("\\d{2,5}x\\d{2,5}")) {
            throw new ConfigException("size", "must be WIDTHxHEIGHT such as 512x512", String.valueOf(size));
        }
        Check.atLeast("steps", steps, 1);
        Check.positive("cfg_scale", cfgScale);
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        sampler = sampler == null ? "" : sampler;
        responseFormat = responseFormat == null ? "" : responseFormat;
        if (!responseFormat.isEmpty() && !responseFormat.equals("b64_json")) {
            throw new ConfigException("response_format", "must be b64_json or empty (URLs are not fetched)",
                    responseFormat);
        }
        Check.atLeast("images_per_description", imagesPerDescription, 1);
        Check.notNull("embedded", embedded);
        Check.atLeast("price_per_image", pricePerImage, 0.0);
        Check.notNull("http", http);
    }

    /** @return the requested width, pixels (from {@link #size()}) */
    public int width() {
        return Integer.parseInt(size.substring(0, size.indexOf('x')));
    }

    /** @return the requested height, pixels (from {@link #size()}) */
    public int height() {
        return Integer.parseInt(size.substring(size.indexOf('x') + 1));
    }

    /** @return defaults: the embedded stand-in */
    public static ImageGenConfig defaults() {
        return new ImageGenConfig(ImageProvider.EMBEDDED, "http://127.0.0.1:7860", "kka-embedded-bank", null,
                "512x512", 30, 7.0, "", "", "b64_json", 1, EmbeddedImageConfig.defaults(), 0.0, HttpConfig.defaults());
    }

    /** @return a copy with other embedded-generator settings */
    public ImageGenConfig withEmbedded(EmbeddedImageConfig e) {
        return new ImageGenConfig(provider, baseUrl, model, apiKey, size, steps, cfgScale, negativePrompt, sampler,
                responseFormat, imagesPerDescription, e, pricePerImage, http);
    }

    /** Image providers. */
    public enum ImageProvider {
        /** weight-free stand-in: a bank of labelled images from outside every evaluation split */
        EMBEDDED,
        /** OpenAI images API (b64_json) */
        OPENAI,
        /** AUTOMATIC1111 stable-diffusion-webui API */
        AUTOMATIC1111
    }
}
