package io.kka.config;

/**
 * The DPO tuner (Eq. 7).
 *
 * @param provider     embedded DPO on the in-JVM model, OpenAI fine-tuning with method dpo, a user command, or
 *                     none (the no-DPO ablation)
 * @param beta         DPO β
 * @param learningRate learning rate (embedded)
 * @param steps        optimisation steps per iteration (embedded)
 * @param batchSize    pairs per step (embedded)
 * @param baseUrl      OpenAI-compatible API base URL (openai)
 * @param apiKey       secret reference (openai)
 * @param pollIntervalS first poll interval for the fine-tuning job, seconds (doubles, capped at 60 s)
 * @param timeoutS     give up waiting for a tuning job after this many seconds
 * @param command      shell command for the command tuner; {pairs} and {output} are substituted
 * @param loadLoraUrl  optional vLLM base URL; the new adapter is loaded with POST /v1/load_lora_adapter
 * @param pairPromptTemplate prompt of every preference pair, asking for one description like the pair's completions
 *                     (variables {domain} and {examples})
 * @param allowInsecureHttp  openai tuner: send the API key over plain http:// to a non-loopback host
 */
public record TuningConfig(
        @Doc("embedded (exact DPO on the in-JVM stand-in), openai (fine-tuning job with method dpo), command"
                + " (your own job, e.g. TRL), none (no DPO: every iteration generates with the initial model, the"
                + " no-DPO ablation)") TuningProvider provider,
        @Doc("DPO β") double beta,
        @Doc("learning rate of the embedded tuner") double learningRate,
        @Doc("optimisation steps per iteration (embedded)") int steps,
        @Doc("pairs per step (embedded)") int batchSize,
        @Doc("OpenAI-compatible API base URL for the openai tuner") String baseUrl,
        @Doc("API key as a secret reference env:NAME or file:PATH") SecretRef apiKey,
        @Doc("first poll interval of a fine-tuning job, seconds; doubles up to 60") double pollIntervalS,
        @Doc("give up on a tuning job after this many seconds") double timeoutS,
        @Doc("command tuner: shell command; substituted: {pairs} (this iteration's TRL JSONL), {pairs_openai},"
                + " {all_pairs} / {all_pairs_openai} (iterations 0..t), {output} (file to write the new model name to),"
                + " {model} (current model), {base_model} (θ_L, the DPO reference), {iteration}; each becomes an"
                + " environment variable reference (${KKA_MODEL}, ...), never text spliced into the shell; killed with"
                + " its descendants after timeout_s") String command,
        @Doc("optional vLLM base URL: load the new LoRA adapter with POST /v1/load_lora_adapter") String loadLoraUrl,
        @Doc("prompt template of the preference pairs: asks for one description, as each pair's chosen and rejected"
                + " completion is one description (variables {domain}, {examples}; local path or Hadoop FS URI)")
        String pairPromptTemplate,
        @Doc("openai tuner: allow sending the API key over plain http:// to a host that is not loopback")
        boolean allowInsecureHttp) implements java.io.Serializable {

    /** Validates. */
    public TuningConfig {
        Check.notNull("provider", provider);
        Check.inOpenRange("beta", beta, 0.0, 2.0 + 1e-12);
        Check.positive("learning_rate", learningRate);
        Check.atLeast("steps", steps, 1);
        Check.atLeast("batch_size", batchSize, 1);
        Check.positive("poll_interval_s", pollIntervalS);
        Check.positive("timeout_s", timeoutS);
        Check.notBlank("pair_prompt_template", pairPromptTemplate);
        if (provider == TuningProvider.COMMAND) {
            Check.notBlank("command", command);
        }
        if (provider == TuningProvider.OPENAI) {
            Check.endpoint(baseUrl, apiKey, allowInsecureHttp);
        }
    }

    /** A config with the shipped pair prompt template (conf/prompts/kka-pair.txt). */
    public TuningConfig(TuningProvider provider, double beta, double learningRate, int steps, int batchSize,
            String baseUrl, SecretRef apiKey, double pollIntervalS, double timeoutS, String command,
            String loadLoraUrl) {
        this(provider, beta, learningRate, steps, batchSize, baseUrl, apiKey, pollIntervalS, timeoutS, command,
                loadLoraUrl, "conf/prompts/kka-pair.txt", false);
    }

    /** @return defaults: embedded DPO */
    public static TuningConfig defaults() {
        return new TuningConfig(TuningProvider.EMBEDDED, 0.1, 0.002, 20, 16, "https://api.openai.com/v1", null,
                5, 86_400, null, null);
    }

    /** Tuner providers. */
    public enum TuningProvider {
        /** exact DPO (Eq. 7) on the embedded language model */
        EMBEDDED,
        /** OpenAI fine-tuning job with method dpo */
        OPENAI,
        /** a user command, e.g. a TRL DPO job */
        COMMAND,
        /** no tuning: every iteration generates with the initial model (the no-DPO ablation) */
        NONE
    }
}
