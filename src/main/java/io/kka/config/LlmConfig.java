package io.kka.config;

import java.util.List;

/**
 * The language model that writes anomaly descriptions (Eq. 3).
 *
 * @param provider                 embedded stand-in or an OpenAI-compatible chat endpoint
 * @param baseUrl                  endpoint base URL, e.g. {@code http://127.0.0.1:8000/v1}
 * @param model                    model name sent in the request
 * @param apiKey                   secret reference for {@code Authorization: Bearer}
 * @param promptTemplate           prompt template file (local path or Hadoop FS URI, read on the driver)
 * @param systemPrompt             optional system message sent before the prompt; empty sends none
 * @param domain                   domain word of the prompt ("flowers", "garments and accessories")
 * @param promptsPerIteration      chat requests per iteration
 * @param descriptionsPerPrompt    descriptions asked for in one request
 * @param temperature              sampling temperature
 * @param topP                     nucleus sampling
 * @param maxTokens                completion token limit
 * @param n                        choices per request
 * @param stop                     stop sequences
 * @param dropNormalMentions       drop descriptions that name a normal class
 * @param pricePer1kInput          estimated cost per 1000 prompt tokens
 * @param pricePer1kOutput         estimated cost per 1000 completion tokens
 * @param http                     partition-caller settings
 * @param embedded                 settings of the embedded stand-in language model
 */
public record LlmConfig(
        @Doc("embedded (in-JVM stand-in) or openai (any OpenAI-compatible chat endpoint: OpenAI, vLLM, Ollama,"
                + " llama.cpp server)") LlmProvider provider,
        @Doc("chat endpoint base URL, e.g. http://127.0.0.1:8000/v1") String baseUrl,
        @Doc("model name sent with each request") String model,
        @Doc("API key as a secret reference env:NAME or file:PATH; sent as Authorization: Bearer") SecretRef apiKey,
        @Doc("prompt template file (local path or Hadoop FS URI); variables {domain}, {examples}, {count}")
        String promptTemplate,
        @Doc("optional system message sent before the prompt; empty sends none") String systemPrompt,
        @Doc("domain word of the prompt, e.g. flowers") String domain,
        @Doc("chat requests per iteration") int promptsPerIteration,
        @Doc("descriptions asked for in one request ({count})") int descriptionsPerPrompt,
        @Doc("sampling temperature") double temperature,
        @Doc("nucleus sampling top_p") double topP,
        @Doc("completion token limit per request") int maxTokens,
        @Doc("choices per request") int n,
        @Doc("stop sequences") List<String> stop,
        @Doc("drop descriptions that name a normal class (they are counted)") boolean dropNormalMentions,
        @Doc("estimated cost per 1000 prompt tokens (for the cost report)") double pricePer1kInput,
        @Doc("estimated cost per 1000 completion tokens") double pricePer1kOutput,
        @Doc("partition-caller settings for this endpoint") HttpConfig http,
        @Doc("settings of the embedded stand-in language model") EmbeddedLmConfig embedded)
        implements java.io.Serializable {

    /** Validates. */
    public LlmConfig {
        Check.notNull("provider", provider);
        if (provider == LlmProvider.OPENAI) {
            Check.notNull("http", http);
            Check.endpoint(baseUrl, apiKey, http.allowInsecureHttp());
        }
        Check.notBlank("model", model);
        Check.notBlank("prompt_template", promptTemplate);
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        Check.notBlank("domain", domain);
        Check.atLeast("prompts_per_iteration", promptsPerIteration, 1);
        Check.atLeast("descriptions_per_prompt", descriptionsPerPrompt, 1);
        Check.inRange("temperature", temperature, 0.0, 2.0);
        Check.inRange("top_p", topP, 0.0, 1.0);
        Check.atLeast("max_tokens", maxTokens, 1);
        Check.inRange("n", n, 1, 128);
        stop = stop == null ? List.of() : List.copyOf(stop);
        Check.atLeast("price_per_1k_input", pricePer1kInput, 0.0);
        Check.atLeast("price_per_1k_output", pricePer1kOutput, 0.0);
        Check.notNull("http", http);
        Check.notNull("embedded", embedded);
    }

    /** @return defaults: the embedded stand-in */
    public static LlmConfig defaults() {
        return new LlmConfig(LlmProvider.EMBEDDED, "http://127.0.0.1:8000/v1", "kka-embedded-lm", null,
                "conf/prompts/kka.txt", "", "garments and accessories", 40, 10, 1.0, 0.95, 512, 1, List.of(), true,
                0.0, 0.0, HttpConfig.defaults(), EmbeddedLmConfig.defaults());
    }

    /** @return a copy that asks for another model (e.g. the fine-tuned model of the previous iteration) */
    public LlmConfig withModel(String otherModel) {
        return new LlmConfig(provider, baseUrl, otherModel, apiKey, promptTemplate, systemPrompt, domain,
                promptsPerIteration, descriptionsPerPrompt, temperature, topP, maxTokens, n, stop, dropNormalMentions,
                pricePer1kInput, pricePer1kOutput, http, embedded);
    }

    /** Language model providers. */
    public enum LlmProvider {
        /** the in-JVM stand-in (see README: not a real LLM) */
        EMBEDDED,
        /** an OpenAI-compatible chat completions endpoint */
        OPENAI
    }
}
