package io.kka.generate.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kka.config.EmbeddedImageConfig;
import io.kka.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link Augmenter}. */
class AugmenterTest {
    private static final byte[] GARMENT = Fixtures.garment(4, new Random(1));

    @Test
    void isSeededAndKeepsTheBackgroundBlack() {
        Augmenter aug = new Augmenter(new EmbeddedImageConfig(List.of(), "lex", "attrs", 2, 0.5, 0.2, 0.3, 0.1));
        byte[] a = aug.apply(GARMENT, 28, 28, 1, 7);
        assertArrayEquals(a, aug.apply(GARMENT, 28, 28, 1, 7));
        assertFalse(Arrays.equals(a, aug.apply(GARMENT, 28, 28, 1, 8)));
        byte[] black = aug.apply(new byte[28 * 28 * 3], 28, 28, 3, 7);
        assertArrayEquals(new byte[28 * 28 * 3], black);
    }

    @Test
    void withNothingToDoItIsTheIdentity() {
        Augmenter none = new Augmenter(new EmbeddedImageConfig(List.of(), "lex", "attrs", 0, 0, 0, 0, 0));
        assertArrayEquals(GARMENT, none.apply(GARMENT, 28, 28, 1, 3));
        Augmenter flip = new Augmenter(new EmbeddedImageConfig(List.of(), "lex", "attrs", 0, 1, 0, 0, 0));
        byte[] f = flip.apply(GARMENT, 28, 28, 1, 3);
        assertEquals(GARMENT[5 * 28], f[5 * 28 + 27]);
    }
}
