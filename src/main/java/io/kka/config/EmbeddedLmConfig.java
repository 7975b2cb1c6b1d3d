package io.kka.config;

/**
 * The embedded stand-in language model (not a real LLM; see README): a small neural n-gram model pre-trained at
 * start-up on a knowledge corpus. Owned by the embedded-model code.
 *
 * @param knowledge         knowledge corpus it is pre-trained on at start-up (default conf/knowledge/fashion.txt)
 * @param embeddingDim      width of the word embeddings and hidden state, 2–256 (default 24)
 * @param epochs            pre-training passes over the corpus, ≥ 0 (default 12)
 * @param learningRate      Adam step size of pre-training, > 0 (default 0.03)
 * @param batchLines        corpus lines per pre-training step, ≥ 1 (default 16)
 * @param sameGroupContext  probability that a pre-training context comes from the line's own group, 0–1
 *                          (default 0.5: higher makes the examples pull harder towards their own item)
 * @param maxWords          longest description sampled, in words, 1–256 (default 24)
 */
public record EmbeddedLmConfig(
        @Doc("knowledge corpus the embedded model is pre-trained on at start-up (one description per line,"
                + " [group] headers, # comments; local path or Hadoop FS URI)") String knowledge,
        @Doc("width of the embedded model's word embeddings and hidden state") int embeddingDim,
        @Doc("pre-training passes over the knowledge corpus") int epochs,
        @Doc("Adam step size of pre-training") double learningRate,
        @Doc("knowledge lines per pre-training step") int batchLines,
        @Doc("probability that a pre-training context (imitating the prompt's normal examples) is drawn from the"
                + " line's own group rather than from anywhere") double sameGroupContext,
        @Doc("longest description the embedded model samples, in words (also capped by llm.max_tokens)")
        int maxWords) implements java.io.Serializable {

    /** Validates. */
    public EmbeddedLmConfig {
        Check.notBlank("knowledge", knowledge);
        Check.inRange("embedding_dim", embeddingDim, 2, 256);
        Check.atLeast("epochs", epochs, 0);
        Check.positive("learning_rate", learningRate);
        Check.atLeast("batch_lines", batchLines, 1);
        Check.inRange("same_group_context", sameGroupContext, 0.0, 1.0);
        Check.inRange("max_words", maxWords, 1, 256);
    }

    /**
     * @param knowledge knowledge corpus; every other setting at its default
     */
    public EmbeddedLmConfig(String knowledge) {
        this(knowledge, 24, 12, 0.03, 16, 0.5, 24);
    }

    /** @return defaults */
    public static EmbeddedLmConfig defaults() {
        return new EmbeddedLmConfig("conf/knowledge/fashion.txt");
    }
}
