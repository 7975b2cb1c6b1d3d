package io.kka.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link DescriptionParser}. */
class DescriptionParserTest {

    @Test
    void numberedListWithLeadIn() {
        assertEquals(List.of("a red scarf with tassels", "a leather belt"),
                DescriptionParser.parse("Here are 2 descriptions:\n1. a red scarf with tassels\n2) \"a leather belt\"\n"));
    }

    @Test
    void bulletsAndDuplicates() {
        assertEquals(List.of("a wool hat", "a silk tie"),
                DescriptionParser.parse("- a wool hat\n* a silk tie\n• A  wool hat\n"));
    }

    @Test
    void jsonArrayInFence() {
        assertEquals(List.of("a sandal", "a boot"),
                DescriptionParser.parse("```json\n[\"a sandal\", \" a boot \", \"a sandal\"]\n```"));
    }

    @Test
    void plainLinesAndEmpty() {
        assertEquals(List.of("one thing", "another thing"), DescriptionParser.parse("one thing\n\nanother thing,\n"));
        assertEquals(List.of(), DescriptionParser.parse("  "));
        assertEquals(List.of(), DescriptionParser.parse(null));
    }

    @Test
    void namedClassMatchesWholeWordsAndAlternatives() {
        List<String> classes = List.of("T-shirt/top", "Shirt", "Ankle boot");
        assertEquals("T-shirt/top", DescriptionParser.namedClass("A faded T-shirt with a logo", classes));
        assertEquals("T-shirt/top", DescriptionParser.namedClass("a cropped top", classes));
        assertNull(DescriptionParser.namedClass("a topaz necklace", classes));
        assertEquals("Shirt", DescriptionParser.namedClass("two flannel shirts", classes));
        assertNull(DescriptionParser.namedClass("a striped t-shirt", List.of("Shirt")));
        assertEquals("Ankle boot", DescriptionParser.namedClass("suede ankle boots", classes));
    }
}
