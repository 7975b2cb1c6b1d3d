package io.kka.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.generate.embedded.EmbeddedLanguageModel;
import io.kka.generate.embedded.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link DpoLoss} and {@link Adam}. */
class DpoLossTest {
    @Test
    void lossIsMinusLogSigmoidOfTheMarginAndStable() {
        assertEquals(Math.log(2), DpoLoss.lossOfMargin(0), 1e-15);
        assertEquals(-Math.log(1 / (1 + Math.exp(-3.0))), DpoLoss.lossOfMargin(3), 1e-15);
        assertEquals(-Math.log(1 / (1 + Math.exp(2.5))), DpoLoss.lossOfMargin(-2.5), 1e-15);
        assertEquals(800, DpoLoss.lossOfMargin(-800), 1e-9);
        assertEquals(0, DpoLoss.lossOfMargin(800), 1e-300);
        // z = β[(lp_w − ref_w) − (lp_l − ref_l)]
        assertEquals(0.1 * ((-3 + 5) - (-9 + 4)), DpoLoss.of(0.1).margin(-3, -5, -9, -4), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> DpoLoss.of(0));
    }

    @Test
    void batchGradientMatchesFiniteDifferencesOnEveryParameter() {
        EmbeddedLanguageModel reference = TestModels.tiny(5);
        double[] start = reference.parameters();
        for (int i = 0; i < start.length; i++) {
            start[i] += 0.05 * Math.sin(i); // away from the reference so that z ≠ 0
        }
        EmbeddedLanguageModel policy = reference.withParameters(start);
        List<DpoLoss.Scored> batch = new ArrayList<>();
        for (PreferencePair p : List.of(PreferencePair.of("a red hat", "a blue hat", "a red bag"),
                PreferencePair.of("", "a hat, wool", "a zzz bag"))) {
            batch.add(new DpoLoss.Scored(p, reference.logProb(p.prompt(), p.chosen()),
                    reference.logProb(p.prompt(), p.rejected())));
        }
        DpoLoss loss = DpoLoss.of(0.7);
        double[] grad = new double[start.length];
        double value = loss.batch(policy, batch, grad)[0];
        assertTrue(Math.abs(value - Math.log(2)) > 1e-3, "margin should be non-zero, loss " + value);
        double h = 1e-5;
        for (int i = 0; i < start.length; i++) {
            double[] plus = start.clone();
            double[] minus = start.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (loss.batch(policy.withParameters(plus), batch, null)[0]
                    - loss.batch(policy.withParameters(minus), batch, null)[0]) / (2 * h);
            assertEquals(fd, grad[i], 1e-8 + 1e-6 * Math.abs(fd), "parameter " + i);
        }
    }

    @Test
    void adamMinimisesAQuadratic() {
        double[] x = {3, -2};
        Adam adam = Adam.of(2, 0.1);
        for (int i = 0; i < 300; i++) {
            adam.step(x, new double[] {2 * (x[0] - 1), 2 * (x[1] + 0.5)});
        }
        assertEquals(1, x[0], 1e-2);
        assertEquals(-0.5, x[1], 1e-2);
        assertThrows(IllegalArgumentException.class, () -> Adam.of(1, 0));
    }
}
