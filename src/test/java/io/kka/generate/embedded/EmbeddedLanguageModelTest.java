package io.kka.generate.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EmbeddedImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link EmbeddedLanguageModel}. */
class EmbeddedLanguageModelTest {
    @Test
    void samplingIsDeterministicPerSeed() {
        EmbeddedLanguageModel m = TestModels.fashion();
        List<String> a = m.sample(TestModels.TSHIRTS, 20, 7, 1.0, 0.95, 24);
        assertEquals(a, m.sample(TestModels.TSHIRTS, 20, 7, 1.0, 0.95, 24));
        assertNotEquals(a, m.sample(TestModels.TSHIRTS, 20, 8, 1.0, 0.95, 24));
        assertTrue(a.stream().allMatch(s -> s.split(" ").length <= 24), a.toString());
    }

    @Test
    void temperatureControlsDiversity() {
        EmbeddedLanguageModel m = TestModels.fashion();
        List<String> greedy = m.sample(TestModels.TSHIRTS, 10, 1, 0.0, 1.0, 24);
        assertEquals(1, new HashSet<>(greedy).size(), "temperature 0 is greedy: " + greedy);
        int cold = new HashSet<>(m.sample(TestModels.TSHIRTS, 60, 1, 0.3, 1.0, 24)).size();
        int hot = new HashSet<>(m.sample(TestModels.TSHIRTS, 60, 1, 1.5, 1.0, 24)).size();
        assertTrue(hot > cold, "distinct descriptions: T=0.3 " + cold + ", T=1.5 " + hot);
        double coldLp = meanLogProb(m, m.sample(TestModels.TSHIRTS, 60, 2, 0.3, 1.0, 24));
        double hotLp = meanLogProb(m, m.sample(TestModels.TSHIRTS, 60, 2, 1.5, 1.0, 24));
        assertTrue(coldLp > hotLp + 1, "mean log π: T=0.3 " + coldLp + ", T=1.5 " + hotLp);
    }

    private static double meanLogProb(EmbeddedLanguageModel m, List<String> ds) {
        return ds.stream().mapToDouble(d -> m.logProb(TestModels.TSHIRTS, d)).average().orElseThrow();
    }

    @Test
    void logProbabilitiesAreNormalisedOverAClosedVocabulary() {
        EmbeddedLanguageModel m = TestModels.tiny(3);
        // every token the model can emit after <s>: its words, ',' and an unknown word (→ <unk>)
        List<String> vocab = new ArrayList<>(List.of("zzz"));
        for (int i = 3; i < m.vocabularySize(); i++) {
            vocab.add(m.vocabulary().word(i));
        }
        for (String prompt : List.of("", "a red hat")) {
            for (int len = 1; len <= 3; len++) {
                // Σ over descriptions of up to len words of π(y) + Σ over prefixes of len+1 words = 1 exactly
                double total = 0;
                for (List<String> seq : sequences(vocab, len)) {
                    total += Math.exp(m.logProb(prompt, String.join(" ", seq)));
                }
                for (List<String> seq : sequences(vocab, len + 1)) {
                    if (seq.size() == len + 1) {
                        total += Math.exp(m.logProbPrefix(prompt, String.join(" ", seq)));
                    }
                }
                assertEquals(1.0, total, 1e-9, "prompt '" + prompt + "', length " + len);
            }
        }
    }

    /** @return all word sequences of length 0..max */
    private static List<List<String>> sequences(List<String> vocab, int max) {
        List<List<String>> out = new ArrayList<>(List.of(List.of()));
        List<List<String>> frontier = List.of(List.of());
        for (int len = 1; len <= max; len++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> s : frontier) {
                for (String w : vocab) {
                    List<String> t = new ArrayList<>(s);
                    t.add(w);
                    next.add(t);
                }
            }
            out.addAll(next);
            frontier = next;
        }
        return out;
    }

    @Test
    void conditioningOnTheExamplesChangesTheDistribution() {
        EmbeddedLanguageModel m = TestModels.fashion();
        String bag = "a canvas tote bag with long straps";
        String tee = "a plain white cotton t-shirt with a round neck";
        assertTrue(m.logProb(TestModels.BAGS, bag) > m.logProb(TestModels.TSHIRTS, bag) + 0.5);
        assertTrue(m.logProb(TestModels.TSHIRTS, tee) > m.logProb(TestModels.BAGS, tee) + 0.5);
        Lexicon lex = Lexicon.load(EmbeddedImageConfig.defaults().lexicon(), new Configuration());
        List<String> underTees = m.sample(TestModels.TSHIRTS, 400, 5, 1.0, 1.0, 24);
        List<String> underBags = m.sample(TestModels.BAGS, 400, 5, 1.0, 1.0, 24);
        long teesUnderTees = count(lex, underTees, "T-shirt/top");
        long teesUnderBags = count(lex, underBags, "T-shirt/top");
        long bagsUnderBags = count(lex, underBags, "Bag");
        long bagsUnderTees = count(lex, underTees, "Bag");
        assertTrue(teesUnderTees > 1.5 * teesUnderBags, "tops: " + teesUnderTees + " vs " + teesUnderBags);
        assertTrue(bagsUnderBags > 1.5 * bagsUnderTees, "bags: " + bagsUnderBags + " vs " + bagsUnderTees);
    }

    private static long count(Lexicon lex, List<String> ds, String cls) {
        return ds.stream().filter(d -> cls.equals(lex.match(d).className())).count();
    }

    @Test
    void unknownWordsGetAFiniteProbabilityThroughUnk() {
        EmbeddedLanguageModel m = TestModels.fashion();
        double known = m.logProb(TestModels.TSHIRTS, "a wool scarf");
        double unknown = m.logProb(TestModels.TSHIRTS, "a wool xylophone");
        assertTrue(Double.isFinite(unknown) && unknown < known, known + " vs " + unknown);
    }

    @Test
    void gradientMatchesFiniteDifferencesOnEveryParameter() {
        EmbeddedLanguageModel m = TestModels.tiny(5);
        String prompt = "a red hat, wool";
        String y = "a blue hat, zzz";
        double[] grad = new double[m.parameterCount()];
        double lp = m.addLogProbGradient(prompt, y, 1.0, grad);
        assertEquals(m.logProb(prompt, y), lp, 0.0);
        double[] theta = m.parameters();
        double h = 1e-5;
        int nonZero = 0;
        for (int i = 0; i < theta.length; i++) {
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (m.withParameters(plus).logProb(prompt, y) - m.withParameters(minus).logProb(prompt, y))
                    / (2 * h);
            assertEquals(fd, grad[i], 1e-7 + 1e-6 * Math.abs(fd), "parameter " + i);
            nonZero += grad[i] != 0 ? 1 : 0;
        }
        assertTrue(nonZero > theta.length / 3, nonZero + " of " + theta.length + " gradient entries are non-zero");
    }

    @Test
    void pretrainingIsDeterministicForASeed() {
        assertArrayEquals(TestModels.tiny(9).toBytes(), TestModels.tiny(9).toBytes());
        assertNotEquals(TestModels.tiny(9).fingerprint(), TestModels.tiny(10).fingerprint());
    }

    @Test
    void roundTripsThroughBytesAndHadoopUris(@TempDir Path dir) {
        EmbeddedLanguageModel m = TestModels.tiny(2);
        EmbeddedLanguageModel back = EmbeddedLanguageModel.fromBytes(m.toBytes());
        assertArrayEquals(m.parameters(), back.parameters(), 0.0);
        assertEquals(m.provenance(), back.provenance());
        String uri = dir.toUri() + "lm/weights.bin";
        m.save(uri, new Configuration());
        EmbeddedLanguageModel loaded = EmbeddedLanguageModel.load(uri, new Configuration());
        assertEquals(m.logProb("a red hat", "a blue bag"), loaded.logProb("a red hat", "a blue bag"), 0.0);
        assertEquals(m.sample("", 5, 3, 1, 1, 8), loaded.sample("", 5, 3, 1, 1, 8));
    }

    @Test
    void rejectsBytesThatAreNotAModel(@TempDir Path dir) {
        byte[] bytes = TestModels.tiny(2).toBytes();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedLanguageModel.fromBytes("not a model".getBytes()));
        assertTrue(bad.getMessage().contains("bad magic"), bad.getMessage());
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedLanguageModel.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length / 2)));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedLanguageModel.load(dir.resolve("nope.bin").toString(), new Configuration()));
        assertTrue(missing.getMessage().contains("nope.bin"), missing.getMessage());
    }

    @Test
    void withParametersLeavesTheOriginalUntouched() {
        EmbeddedLanguageModel m = TestModels.tiny(4);
        double[] before = m.parameters();
        double[] changed = m.parameters();
        changed[Vocabulary.EOS] += 1;
        EmbeddedLanguageModel other = m.withParameters(changed);
        changed[Vocabulary.UNK] += 1;
        assertArrayEquals(before, m.parameters(), 0.0);
        assertEquals(before[Vocabulary.UNK], other.parameters()[Vocabulary.UNK], 0.0);
        assertNotEquals(m.logProb("", "a red hat"), other.logProb("", "a red hat"));
    }
}
