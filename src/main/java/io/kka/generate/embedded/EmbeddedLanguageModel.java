package io.kka.generate.embedded;

import io.kka.config.EmbeddedLmConfig;
import io.kka.store.Fs;
import io.kka.tune.TunableModel;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stand-in language model. <b>It is not an LLM</b>: it knows only the few hundred lines of its
 * knowledge corpus and recombines their words; it exists so that KKA's loop — including DPO (Eq. 7) — runs offline
 * with no model download. Real runs use an OpenAI-compatible endpoint.
 *
 * <p>Architecture: a neural n-gram model (Bengio et al., JMLR 2003) over a word vocabulary built from the corpus
 * (other words are {@code <unk>}), conditioned on the prompt: h_t = tanh(E1[w_{t−1}] + E2[w_{t−2}] + c + a),
 * logit_t = b + O·h_t, where c is the mean context embedding of the content words of the prompt's normal
 * examples (see {@link LmNet}). Why this shape: (1) log π(y|x) is an exact finite sum of log-softmax terms with
 * an end token, so DPO's likelihood ratios are exact, not estimates; (2) the gradient is a few lines of hand
 * back-propagation in plain double arrays (no ND4J, checked against finite differences); (3) the output bias and
 * embeddings are shared across contexts, so preferring "shirt" or "pullover" in some pairs moves the probability of
 * unseen descriptions of the same items — what makes DPO generalise; (4) a few tens of thousands of parameters
 * pre-train in seconds on one core.
 *
 * <p>Immutable and thread-safe; {@link #withParameters} returns a new model. Pre-training, sampling and
 * serialisation are deterministic for a seed (StrictMath arithmetic in a fixed order).
 */
public final class EmbeddedLanguageModel implements TunableModel<EmbeddedLanguageModel> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLanguageModel.class);
    private final Vocabulary vocab;
    private final int dim;
    private final LmNet net;
    private final double[] theta;
    private final String provenance;

    EmbeddedLanguageModel(Vocabulary vocab, int dim, double[] theta, String provenance) {
        this.vocab = vocab;
        this.dim = dim;
        this.net = new LmNet(vocab.size(), dim);
        if (theta.length != net.size) {
            throw new IllegalArgumentException("expected " + net.size + " parameters, found " + theta.length);
        }
        this.theta = theta;
        this.provenance = provenance;
    }

    /**
     * Reads the knowledge corpus named by the config and pre-trains on it.
     *
     * @param cfg  embedded LM settings
     * @param seed pre-training seed
     * @param conf Hadoop configuration to read the corpus with
     * @return the pre-trained model
     */
    public static EmbeddedLanguageModel pretrain(EmbeddedLmConfig cfg, long seed, Configuration conf) {
        return pretrain(KnowledgeCorpus.load(cfg.knowledge(), conf), cfg, seed);
    }

    /**
     * @param corpus the knowledge corpus
     * @param cfg    embedded LM settings (dimension, epochs, learning rate, batch, context mixing)
     * @param seed   pre-training seed
     * @return the pre-trained model
     */
    public static EmbeddedLanguageModel pretrain(KnowledgeCorpus corpus, EmbeddedLmConfig cfg, long seed) {
        long start = System.nanoTime();
        Vocabulary vocab = Vocabulary.build(corpus.lines());
        double[] theta = new Pretrainer(corpus, vocab, cfg).train(seed);
        String prov = String.format("pretrained on %s (%d lines, %d tokens in vocabulary), dim %d, %d epochs, seed %d",
                corpus.name(), corpus.size(), vocab.size(), cfg.embeddingDim(), cfg.epochs(), seed);
        EmbeddedLanguageModel m = new EmbeddedLanguageModel(vocab, cfg.embeddingDim(), theta, prov);
        LOG.info("embedded LM: {} in {} s", prov, String.format("%.2f", (System.nanoTime() - start) / 1e9));
        return m;
    }

    /** @return the conditioning text of a prompt's normal examples (one per line) */
    public static String promptOf(List<String> examples) {
        return String.join("\n", examples);
    }

    /** @return how the model was made (corpus, sizes, seed) */
    public String provenance() {
        return provenance;
    }

    /** @return vocabulary size, including {@code <s>}, {@code </s>} and {@code <unk>} */
    public int vocabularySize() {
        return vocab.size();
    }

    /** @return the vocabulary */
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int parameterCount() {
        return theta.length;
    }

    @Override
    public double[] parameters() {
        return theta.clone();
    }

    @Override
    public EmbeddedLanguageModel withParameters(double[] newTheta) {
        return new EmbeddedLanguageModel(vocab, dim, newTheta.clone(), provenance);
    }

    @Override
    public double logProb(String prompt, String description) {
        return net.sequence(theta, vocab.context(prompt), withEnd(description), 0, null);
    }

    /**
     * @param prompt conditioning text
     * @param words  a beginning of a description
     * @return log-probability that a description starts with these words (no end token)
     */
    public double logProbPrefix(String prompt, String words) {
        return net.sequence(theta, vocab.context(prompt), vocab.encode(words), 0, null);
    }

    @Override
    public double addLogProbGradient(String prompt, String description, double scale, double[] grad) {
        if (grad.length != theta.length) {
            throw new IllegalArgumentException("gradient has " + grad.length + " entries, expected " + theta.length);
        }
        return net.sequence(theta, vocab.context(prompt), withEnd(description), scale, grad);
    }

    private int[] withEnd(String description) {
        int[] ids = vocab.encode(description);
        int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = Vocabulary.EOS;
        return out;
    }

    /**
     * Draws descriptions from one seeded stream.
     *
     * @param prompt      conditioning text (the normal examples)
     * @param count       descriptions to draw (duplicates and empty draws are possible)
     * @param seed        stream seed; same arguments ⇒ same descriptions
     * @param temperature 0 (greedy) to 2; 1 samples the model's distribution
     * @param topP        nucleus mass in (0, 1]; 1 disables it
     * @param maxWords    longest description, words (≥ 1)
     * @return the descriptions in draw order
     */
    public List<String> sample(String prompt, int count, long seed, double temperature, double topP, int maxWords) {
        double[] c = net.context(theta, vocab.context(prompt));
        TokenSampler sampler = new TokenSampler(net, theta);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] ids = sampler.draw(c, rnd, temperature, topP, maxWords);
            out.add(vocab.decode(ids, ids.length));
        }
        return out;
    }

    /** @return the model as bytes ({@link #fromBytes} reads them back exactly) */
    public byte[] toBytes() {
        return ModelCodec.write(this, vocab, dim, theta);
    }

    /**
     * @param bytes  bytes from {@link #toBytes}
     * @return the model
     * @throws IllegalArgumentException for bytes that are not a model of this format
     */
    public static EmbeddedLanguageModel fromBytes(byte[] bytes) {
        return ModelCodec.read(bytes, "embedded language model bytes");
    }

    /** Writes the model atomically to a local path or Hadoop FS URI. */
    public void save(String uri, Configuration conf) {
        Fs.writeBytes(uri, toBytes(), conf);
    }

    /**
     * @param uri  a file written by {@link #save}
     * @param conf Hadoop configuration
     * @return the model
     * @throws IllegalArgumentException if the file is missing or not a model
     */
    public static EmbeddedLanguageModel load(String uri, Configuration conf) {
        try {
            return ModelCodec.read(Fs.readBytes(uri, conf), uri);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read embedded language model " + uri + " (" + e + ")");
        }
    }

    /** @return the first 12 hex characters of the SHA-256 of {@link #toBytes()}: identifies the weights */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(toBytes()), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
