package io.kka.generate.embedded;

import io.kka.config.EmbeddedLmConfig;
import io.kka.tune.Adam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up training of the embedded language model on the knowledge corpus: maximum likelihood of each line
 * (with its end token) under a sampled prompt context, Adam over seeded minibatches of lines.
 *
 * <p>The context of a line imitates a prompt's normal examples: with probability 0.1 none; otherwise 1–3 other
 * lines, from the line's own group with probability {@code same_group_context} and from anywhere otherwise, of
 * which 1–3 random content words each are kept (short, like "a dark t-shirt"). So the model learns that examples
 * of one item make related items likelier, without copying the examples. Deterministic for a seed.
 */
final class Pretrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Pretrainer.class);
    private static final double NO_CONTEXT = 0.1;
    private final KnowledgeCorpus corpus;
    private final EmbeddedLmConfig cfg;
    private final LmNet net;
    private final int[][] lines;
    private final int[][] content;
    private final List<List<Integer>> byGroup = new ArrayList<>();

    Pretrainer(KnowledgeCorpus corpus, Vocabulary vocab, EmbeddedLmConfig cfg) {
        this.corpus = corpus;
        this.cfg = cfg;
        this.net = new LmNet(vocab.size(), cfg.embeddingDim());
        this.lines = new int[corpus.size()][];
        this.content = new int[corpus.size()][];
        for (int g = 0; g < corpus.groupNames().size(); g++) {
            byGroup.add(new ArrayList<>());
        }
        for (int i = 0; i < corpus.size(); i++) {
            int[] ids = vocab.encode(corpus.lines().get(i));
            lines[i] = Arrays.copyOf(ids, ids.length + 1);
            lines[i][ids.length] = Vocabulary.EOS;
            content[i] = vocab.context(corpus.lines().get(i));
            byGroup.get(corpus.groups().get(i)).add(i);
        }
    }

    /** @return trained parameters */
    double[] train(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] th = init(rnd);
        Adam adam = Adam.of(th.length, cfg.learningRate());
        double[] grad = new double[th.length];
        int[] order = new int[lines.length];
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            shuffle(order, rnd);
            double nll = 0;
            long tokens = 0;
            for (int start = 0; start < order.length; start += cfg.batchLines()) {
                int end = Math.min(order.length, start + cfg.batchLines());
                int batchTokens = 0;
                for (int i = start; i < end; i++) {
                    batchTokens += lines[order[i]].length;
                }
                Arrays.fill(grad, 0.0);
                for (int i = start; i < end; i++) {
                    int line = order[i];
                    nll -= net.sequence(th, sampleContext(line, rnd), lines[line], -1.0 / batchTokens, grad);
                }
                tokens += batchTokens;
                adam.step(th, grad);
            }
            LOG.debug("embedded LM pre-training epoch {}: {} nats/token", epoch + 1, nll / tokens);
        }
        return th;
    }

    private double[] init(SplittableRandom rnd) {
        double[] th = new double[net.size];
        // output bias starts at the smoothed unigram log-frequency, the rest small and random
        double[] count = new double[net.v];
        long total = 0;
        for (int[] l : lines) {
            for (int t : l) {
                count[t]++;
                total++;
            }
        }
        for (int w = 1; w < net.v; w++) {
            th[w] = Math.log((count[w] + 0.1) / (total + 0.1 * net.v));
        }
        double s = 1.0 / Math.sqrt(net.d);
        for (int i = net.offO; i < net.offA; i++) {
            th[i] = (rnd.nextDouble() * 2 - 1) * s;
        }
        return th;
    }

    /** A short bag of content words imitating a prompt's normal examples. */
    int[] sampleContext(int line, SplittableRandom rnd) {
        if (rnd.nextDouble() < NO_CONTEXT) {
            return new int[0];
        }
        List<Integer> group = byGroup.get(corpus.groups().get(line));
        boolean same = rnd.nextDouble() < cfg.sameGroupContext() && group.size() > 1;
        int k = 1 + rnd.nextInt(3);
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            int other = same ? group.get(rnd.nextInt(group.size())) : rnd.nextInt(lines.length);
            if (other == line) {
                continue;
            }
            int[] words = content[other].clone();
            shuffle(words, rnd, words.length);
            int keep = Math.min(words.length, 1 + rnd.nextInt(3));
            for (int w = 0; w < keep; w++) {
                out.add(words[w]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void shuffle(int[] order, SplittableRandom rnd) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle(order, rnd, order.length);
    }

    private static void shuffle(int[] a, SplittableRandom rnd, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
