package io.kka.generate.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EmbeddedImageConfig;
import io.kka.data.InvalidInputException;
import io.kka.generate.embedded.AttributeOps.Op;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link AttributeOps} and {@link Attributes}: each attribute changes the image the way it says. */
class AttributeOpsTest {
    private static final int S = 28;

    /** A long-sleeved top: a torso (x 9..18) and two sleeves (x 4..8 and 19..23) from row 3 to 24, tone 160. */
    static byte[] shirt() {
        byte[] px = new byte[S * S];
        for (int y = 3; y <= 24; y++) {
            for (int x = 4; x <= 23; x++) {
                boolean gap = (x == 8 || x == 19) && y > 8; // the sleeves hang apart from the torso
                px[y * S + x] = (byte) (gap ? 0 : 160);
            }
        }
        return px;
    }

    private static byte[] apply(Op... ops) {
        return AttributeOps.apply(List.of(ops), shirt(), S, S, 1, 7);
    }

    private static double meanOn(byte[] px) {
        long sum = 0;
        int n = 0;
        for (byte b : px) {
            if ((b & 0xff) > AttributeOps.ON) {
                sum += b & 0xff;
                n++;
            }
        }
        return n == 0 ? 0 : (double) sum / n;
    }

    /** @return {x0, y0, x1, y1} of the pixels above the item threshold */
    private static int[] box(byte[] px) {
        int[] b = {S, S, -1, -1};
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                if ((px[y * S + x] & 0xff) > AttributeOps.ON) {
                    b[0] = Math.min(b[0], x);
                    b[1] = Math.min(b[1], y);
                    b[2] = Math.max(b[2], x);
                    b[3] = Math.max(b[3], y);
                }
            }
        }
        return b;
    }

    private static int onPixels(byte[] px, int xFrom, int xTo, int yFrom, int yTo) {
        int n = 0;
        for (int y = yFrom; y <= yTo; y++) {
            for (int x = xFrom; x <= xTo; x++) {
                n += (px[y * S + x] & 0xff) > AttributeOps.ON ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void toneWordsChangeTheItemsBrightnessAndLeaveTheBackgroundBlack() {
        assertEquals(160, meanOn(shirt()), 1e-9);
        assertEquals(72, meanOn(apply(Op.DARK)), 1.0);
        assertTrue(meanOn(apply(Op.LIGHT)) > 200);
        assertTrue(meanOn(apply(Op.BRIGHT)) > 230);
        assertEquals(0, apply(Op.DARK)[0]);
        assertEquals(0, apply(Op.LIGHT)[0]);
    }

    @Test
    void sizeLengthAndWidthWordsResizeTheItem() {
        int[] b = box(shirt());
        int w = b[2] - b[0];
        int h = b[3] - b[1];
        int[] small = box(apply(Op.SMALL));
        assertTrue(small[2] - small[0] < w - 3 && small[3] - small[1] < h - 3, java.util.Arrays.toString(small));
        int[] longer = box(apply(Op.LONG));
        assertEquals(b[1], longer[1], "a longer garment keeps its top");
        assertTrue(longer[3] - longer[1] >= h + 3, "as far as the image allows");
        int[] shorter = box(apply(Op.SHORT));
        assertEquals(b[1], shorter[1]);
        assertTrue(shorter[3] - shorter[1] < h - 4);
        assertTrue(box(apply(Op.WIDE))[2] - box(apply(Op.WIDE))[0] > w + 2);
        assertTrue(box(apply(Op.SLIM))[2] - box(apply(Op.SLIM))[0] < w - 2);
    }

    @Test
    void sleeveWordsCutOrExtendTheSleeves() {
        // left sleeve band: x 4..8, below 38% of the height
        int full = onPixels(shirt(), 4, 7, 12, 24);
        assertEquals(4 * 13, full);
        assertEquals(0, onPixels(apply(Op.SHORT_SLEEVES), 4, 7, 12, 24));
        assertTrue(onPixels(apply(Op.SHORT_SLEEVES), 4, 7, 3, 7) > 0, "short sleeves keep the shoulders");
        assertEquals(0, onPixels(apply(Op.SLEEVELESS), 4, 7, 7, 24));
        assertEquals(onPixels(shirt(), 9, 18, 3, 24), onPixels(apply(Op.SLEEVELESS), 9, 18, 3, 24),
                "the torso stays");
        byte[] shortSleeved = AttributeOps.apply(List.of(Op.SHORT_SLEEVES), shirt(), S, S, 1, 1);
        byte[] extended = AttributeOps.apply(List.of(Op.LONG_SLEEVES), shortSleeved, S, S, 1, 1);
        assertTrue(onPixels(extended, 4, 7, 12, 24) > full / 2, "long sleeves reach down again");
    }

    @Test
    void patternsPartsAndDamageMarkTheItem() {
        byte[] striped = apply(Op.STRIPED);
        double odd = 0;
        double even = 0;
        for (int x = 10; x <= 17; x++) {
            even += striped[(3 + 0) * S + x] & 0xff;
            odd += striped[(3 + 2) * S + x] & 0xff;
        }
        assertTrue(Math.abs(odd - even) > 8 * 60, "stripes alternate: " + odd + " vs " + even);
        for (Op op : List.of(Op.CHECKED, Op.DOTTED, Op.PRINT, Op.KNITTED, Op.POCKET, Op.BUTTONS, Op.ZIP, Op.BELT,
                Op.HOOD, Op.TORN, Op.STAINED, Op.SHORTS, Op.SKIRT)) {
            assertFalse(java.util.Arrays.equals(shirt(), apply(op)), op + " changes nothing");
        }
        assertTrue(box(apply(Op.HOOD))[1] < box(shirt())[1], "a hood rises above the neck");
        assertTrue(box(apply(Op.SHORTS))[3] < 15, "shorts keep the top 45%");
        assertEquals(box(shirt())[1], box(apply(Op.SKIRT))[1], "a skirt is moved up to the top");
    }

    @Test
    void deterministicForASeedAndOnlyDamageDependsOnIt() {
        assertArrayEquals(AttributeOps.apply(List.of(Op.TORN), shirt(), S, S, 1, 3),
                AttributeOps.apply(List.of(Op.TORN), shirt(), S, S, 1, 3));
        assertFalse(java.util.Arrays.equals(AttributeOps.apply(List.of(Op.TORN), shirt(), S, S, 1, 3),
                AttributeOps.apply(List.of(Op.TORN), shirt(), S, S, 1, 4)));
        assertArrayEquals(AttributeOps.apply(List.of(Op.DARK, Op.STRIPED), shirt(), S, S, 1, 3),
                AttributeOps.apply(List.of(Op.STRIPED, Op.DARK, Op.DARK), shirt(), S, S, 1, 99),
                "fixed order, repeats count once, no seed without damage");
        byte[] none = shirt();
        assertArrayEquals(none, AttributeOps.apply(List.of(), none, S, S, 1, 3));
    }

    @Test
    void rgbImagesChangeInEveryChannel() {
        byte[] gray = shirt();
        byte[] rgb = new byte[gray.length * 3];
        for (int i = 0; i < gray.length; i++) {
            rgb[3 * i] = gray[i];
            rgb[3 * i + 1] = gray[i];
            rgb[3 * i + 2] = gray[i];
        }
        byte[] dark = AttributeOps.apply(List.of(Op.DARK), rgb, S, S, 3, 1);
        int i = (10 * S + 12) * 3;
        assertEquals(72, dark[i] & 0xff);
        assertEquals(72, dark[i + 2] & 0xff);
    }

    @Test
    void theShippedGrammarReadsDescriptionsLongestPhraseFirst() {
        Attributes a = Attributes.load(EmbeddedImageConfig.defaults().attributes(), new Configuration());
        assertEquals(List.of(Op.DARK, Op.SHORT_SLEEVES), a.match("a dark shirt with short sleeves"));
        assertEquals(List.of(Op.SHORT, Op.STRIPED), a.match("a short striped dress"));
        assertEquals(List.of(Op.LIGHT, Op.WIDE, Op.POCKET), a.match("a pale loose coat with two patch pockets"));
        assertEquals(List.of(), a.match("a t-shirt"));
        Lexicon lex = Lexicon.load(EmbeddedImageConfig.defaults().lexicon(), new Configuration());
        assertEquals(new Lexicon.Match("Trouser", "denim shorts", List.of(Op.SHORTS)), lex.match("a pair of denim"
                + " shorts"));
        assertEquals(List.of(Op.SKIRT), lex.match("a pleated skirt").shape());
        assertEquals(List.of(), lex.match("a pleated dress").shape());
    }

    @Test
    void malformedGrammarsNameTheLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Attributes.parse("dark: dark\nglow: glowing\n", "attrs.txt"));
        assertTrue(e.getMessage().startsWith("attrs.txt:2: unknown attribute operation 'glow' (known: shorts,"),
                e.getMessage());
        assertThrows(InvalidInputException.class, () -> Attributes.parse("# nothing\n", "attrs.txt"));
        assertThrows(InvalidInputException.class, () -> Attributes.parse("dark dark\n", "attrs.txt"));
        InvalidInputException lex = assertThrows(InvalidInputException.class,
                () -> Lexicon.parse("Trouser: shorts {shorts\n", "lex.txt"));
        assertTrue(lex.getMessage().startsWith("lex.txt:1: unclosed '{'"), lex.getMessage());
    }
}
