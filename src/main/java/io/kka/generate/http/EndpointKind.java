package io.kka.generate.http;

import java.util.Locale;

/** The wire protocols the partition caller speaks. */
public enum EndpointKind {
    /** OpenAI-compatible chat completions (OpenAI, vLLM, Ollama, llama.cpp server, TGI) */
    CHAT("chat/completions", "describe"),
    /** OpenAI images API, {@code b64_json} replies */
    OPENAI_IMAGES("images/generations", "render"),
    /** AUTOMATIC1111 stable-diffusion-webui API */
    AUTOMATIC1111("sdapi/v1/txt2img", "render");

    private final String path;
    private final String stage;

    EndpointKind(String path, String stage) {
        this.path = path;
        this.stage = stage;
    }

    /** @return the request path below the base URL, without a leading slash */
    public String path() {
        return path;
    }

    /** @return the generation stage this endpoint serves, as written into error structs */
    public String stage() {
        return stage;
    }

    /** @return a short lower-case name, used for cache directories and limiter keys */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
