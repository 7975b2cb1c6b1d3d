package io.kka.generate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.LlmConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI-compatible chat completions ({@code POST {base_url}/chat/completions}), as served by OpenAI, vLLM,
 * Ollama, llama.cpp server and TGI: the request body, the reply check and the reply's contents and usage.
 *
 * <p>Fields sent: {@code model}, {@code messages} (optional system message, then the prompt), {@code temperature},
 * {@code top_p}, {@code max_tokens}, {@code seed}, and {@code n} and {@code stop} only when they differ from the
 * defaults (1 and none), because some servers reject fields they do not implement.
 */
public final class ChatProtocol implements ReplyCheck {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LlmConfig llm;

    /** @param llm the language-model settings */
    public ChatProtocol(LlmConfig llm) {
        this.llm = llm;
    }

    /**
     * @param system optional system message (null or empty: none)
     * @param prompt the user message
     * @param seed   the request seed
     * @return the request body, fields in a fixed order
     */
    public ObjectNode body(String system, String prompt, long seed) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", llm.model());
        ArrayNode messages = b.putArray("messages");
        if (system != null && !system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", prompt);
        if (llm.n() > 1) {
            b.put("n", llm.n());
        }
        b.put("temperature", llm.temperature());
        b.put("top_p", llm.topP());
        b.put("max_tokens", llm.maxTokens());
        b.put("seed", seed);
        if (!llm.stop().isEmpty()) {
            ArrayNode stop = b.putArray("stop");
            llm.stop().forEach(stop::add);
        }
        return b;
    }

    /**
     * @param prompt the user message
     * @return tokens reserved before the call: about 4 characters per prompt token, plus max_tokens per choice
     */
    public long estimatedTokens(String prompt) {
        return prompt.length() / 4 + 8 + (long) llm.maxTokens() * llm.n();
    }

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
        if (n == null || !n.isObject() || !n.path("choices").isArray()) {
            throw new MalformedReplyException("no choices array");
        }
        if (n.path("choices").isEmpty()) {
            throw new MalformedReplyException("reply had no choices");
        }
        if (contents(n).stream().allMatch(String::isBlank)) {
            String refusal = refusal(n);
            if (refusal != null) {
                throw new MalformedReplyException(refusal, false);
            }
            throw new MalformedReplyException("no choice has message content");
        }
        return n;
    }

    /** @return why the endpoint refused every choice (content filter, a refusal message), or null */
    private static String refusal(JsonNode reply) {
        for (JsonNode choice : reply.path("choices")) {
            String reason = choice.path("finish_reason").asText("");
            if (reason.equals("content_filter")) {
                return "the endpoint refused the prompt (finish_reason content_filter); not retried";
            }
            JsonNode r = choice.path("message").path("refusal");
            if (r.isTextual() && !r.asText().isBlank()) {
                return "the endpoint refused the prompt (\"" + r.asText() + "\"); not retried";
            }
        }
        return null;
    }

    @Override
    public long tokens(JsonNode reply) {
        JsonNode u = reply.path("usage");
        if (u.path("total_tokens").canConvertToLong()) {
            return u.path("total_tokens").asLong();
        }
        return u.isObject() ? u.path("prompt_tokens").asLong(0) + u.path("completion_tokens").asLong(0) : -1;
    }

    /**
     * @param reply a checked reply
     * @return the text of every choice's message, in choice order (content given as text parts is joined)
     */
    public static List<String> contents(JsonNode reply) {
        List<String> out = new ArrayList<>();
        for (JsonNode choice : reply.path("choices")) {
            JsonNode content = choice.path("message").path("content");
            if (content.isTextual()) {
                out.add(content.asText());
            } else if (content.isArray()) {
                StringBuilder b = new StringBuilder();
                content.forEach(part -> b.append(part.path("text").asText("")));
                out.add(b.toString());
            }
        }
        return out;
    }

    /**
     * @param result a successful call
     * @return its usage: tokens from the reply, cost from the price keys (0 for a cache hit)
     */
    public Usage usage(CallResult result) {
        JsonNode u = result.reply().path("usage");
        long in = u.path("prompt_tokens").asLong(0);
        long out = u.path("completion_tokens").asLong(0);
        double cost = result.cached() ? 0.0
                : in / 1000.0 * llm.pricePer1kInput() + out / 1000.0 * llm.pricePer1kOutput();
        return new Usage(result.attempts(), result.retries(), in, out, 0, result.cached(), cost);
    }
}
