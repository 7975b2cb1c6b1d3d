package io.kka.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.TuningConfig;
import io.kka.generate.embedded.EmbeddedLanguageModel;
import io.kka.generate.embedded.KnowledgeCorpus;
import io.kka.generate.embedded.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link DpoTuner}: hard = shirts, pullovers, coats; easy = bags, sandals. Pairs use corpus lines; the
 * held-out descriptions are new strings that appear neither in the pairs nor in the corpus.
 */
class DpoTunerTest {
    private static final List<String> HELD_OUT_HARD = List.of("a dark cotton shirt with a short collar",
            "a light wool pullover with a zip at the neck", "a grey coat with a hood and large pockets",
            "a striped blouse with long sleeves", "a thick jumper with a polo collar",
            "a black jacket with a quilted lining");
    private static final List<String> HELD_OUT_EASY = List.of("a leather bag with a long chain",
            "a bright sandal with a cork strap", "a grey tote bag with a zip pocket",
            "a flat sandal with a toe loop", "a small handbag with a gold clasp", "a backpack with two side pockets");
    private static EmbeddedLanguageModel reference;
    private static List<PreferencePair> pairs;
    private static DpoResult<EmbeddedLanguageModel> result;
    private static double[] referenceBefore;
    private static double[] policyBefore;

    static TuningConfig tuning(int steps) {
        return new TuningConfig(TuningConfig.TuningProvider.EMBEDDED, 0.1, 0.002, steps, 16, "http://127.0.0.1:1",
                null, 5, 60, null, null);
    }

    @BeforeAll
    static void tune() {
        reference = TestModels.fashion();
        EmbeddedLanguageModel policy = reference.withParameters(reference.parameters());
        KnowledgeCorpus c = TestModels.corpus();
        List<String> hard = new ArrayList<>();
        List<String> easy = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            String g = c.groupNames().get(c.groups().get(i));
            if (Set.of("shirts", "pullovers", "coats").contains(g)) {
                hard.add(c.lines().get(i));
            } else if (Set.of("bags", "sandals").contains(g)) {
                easy.add(c.lines().get(i));
            }
        }
        SplittableRandom rnd = new SplittableRandom(3);
        pairs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pairs.add(PreferencePair.of(TestModels.TSHIRTS, hard.get(rnd.nextInt(hard.size())),
                    easy.get(rnd.nextInt(easy.size()))));
        }
        referenceBefore = reference.parameters();
        policyBefore = policy.parameters();
        result = DpoTuner.of(tuning(60), 11).tune(policy, reference, pairs);
        assertArrayEquals(policyBefore, policy.parameters(), 0.0, "the policy handed in must not change");
    }

    @Test
    void heldOutHardDescriptionsGainRelativeToEasyOnes() {
        EmbeddedLanguageModel tuned = result.model();
        double hard = meanGain(tuned, HELD_OUT_HARD);
        double easy = meanGain(tuned, HELD_OUT_EASY);
        assertTrue(hard - easy > 1.0, "mean log-prob gain: hard " + hard + ", easy " + easy);
        for (String d : HELD_OUT_HARD) {
            for (String e : HELD_OUT_EASY) {
                assertTrue(gain(tuned, d) > gain(tuned, e), d + " vs " + e);
            }
        }
    }

    private static double gain(EmbeddedLanguageModel tuned, String d) {
        return tuned.logProb(TestModels.TSHIRTS, d) - reference.logProb(TestModels.TSHIRTS, d);
    }

    private static double meanGain(EmbeddedLanguageModel tuned, List<String> ds) {
        return ds.stream().mapToDouble(d -> gain(tuned, d)).average().orElseThrow();
    }

    @Test
    void referenceIsBitIdenticalAndTheReportShowsLearning() {
        double[] after = reference.parameters();
        for (int i = 0; i < after.length; i++) {
            assertEquals(Double.doubleToRawLongBits(referenceBefore[i]), Double.doubleToRawLongBits(after[i]),
                    "reference parameter " + i);
        }
        DpoReport r = result.report();
        assertEquals(64, r.pairs());
        assertEquals(60, r.steps());
        assertEquals(60, r.lossPerStep().size());
        assertEquals(Math.log(2), r.lossPerStep().get(0), 1e-12, "policy = reference at step 0");
        assertTrue(r.finalLoss() < 0.5 && r.finalMargin() > 0.5 && r.finalAccuracy() > 0.9, r.toString());
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndNoPairsChangeNothing() {
        EmbeddedLanguageModel small = TestModels.tiny(1);
        List<PreferencePair> few = List.of(PreferencePair.of("a red hat", "a blue hat", "a red bag"),
                PreferencePair.of("", "a red hat", "a blue bag"), PreferencePair.of("a bag", "a hat", "a bag"));
        DpoTuner tuner = DpoTuner.of(new TuningConfig(TuningConfig.TuningProvider.EMBEDDED, 0.5, 0.01, 12, 2,
                "http://127.0.0.1:1", null, 5, 60, null, null), 4);
        double[] a = tuner.tune(small, small, few).model().parameters();
        double[] b = tuner.tune(small, small, few).model().parameters();
        assertArrayEquals(a, b, 0.0);
        DpoResult<EmbeddedLanguageModel> none = tuner.tune(small, small, List.of());
        assertSame(small, none.model());
        assertEquals(0, none.report().steps());
    }
}
