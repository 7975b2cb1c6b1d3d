package io.kka.generate.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.EmbeddedImageConfig;
import io.kka.data.InvalidInputException;
import io.kka.data.readers.FashionMnistReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Tests of the shipped knowledge corpus and lexicon ({@link KnowledgeCorpus}, {@link Lexicon}, {@link Vocabulary}). */
class KnowledgeTest {
    /** the class every line of a corpus group must match; "-" for items outside Fashion-MNIST */
    private static final Map<String, String> GROUP_CLASS = Map.ofEntries(Map.entry("t-shirts", "T-shirt/top"),
            Map.entry("shirts", "Shirt"), Map.entry("pullovers", "Pullover"), Map.entry("coats", "Coat"),
            Map.entry("dresses", "Dress"), Map.entry("trousers", "Trouser"), Map.entry("sandals", "Sandal"),
            Map.entry("sneakers", "Sneaker"), Map.entry("boots", "Ankle boot"), Map.entry("bags", "Bag"),
            // drawn from another class's images with a shape operation (skirt: a dress below the waist; shorts)
            Map.entry("skirts", "Dress"), Map.entry("shorts", "Trouser"));

    @Test
    void shippedCorpusIsLargeAndReachesBeyondTheDatasetClasses() {
        KnowledgeCorpus c = TestModels.corpus();
        assertTrue(c.size() >= 400, "lines " + c.size());
        assertTrue(c.groupNames().containsAll(List.of("hats", "scarves", "belts", "gloves", "socks", "ties",
                "watches", "umbrellas")), c.groupNames().toString());
        assertEquals(c.size(), c.lines().stream().distinct().count(), "duplicate lines");
    }

    @Test
    void lexiconMapsEveryCorpusLineToItsGroupsClass() {
        Lexicon lex = Lexicon.load(EmbeddedImageConfig.defaults().lexicon(), new Configuration());
        assertEquals(new java.util.HashSet<>(FashionMnistReader.CLASSES), lex.classes());
        KnowledgeCorpus c = TestModels.corpus();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            String group = c.groupNames().get(c.groups().get(i));
            String expected = c.lines().get(i).contains("swim trunks") ? "Trouser"
                    : GROUP_CLASS.getOrDefault(group, Lexicon.NOT_IN_BANK);
            String found = lex.match(c.lines().get(i)).className();
            if (!expected.equals(found)) {
                wrong.add(c.lines().get(i) + " → " + found + " (group " + group + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void lexiconPrefersTheEarliestThenTheLongestPhrase() {
        Lexicon lex = Lexicon.parse("Bag: bag, belt bag\nShirt: shirt\nDress: dress, shirt dress\n"
                + "T-shirt/top: t-shirt\n-: belt, scarf\n", "test");
        assertEquals("Bag", lex.match("a nylon belt bag with a zip").className());
        assertEquals("-", lex.match("a belt with a bag charm").className());
        assertEquals("Dress", lex.match("a white shirt dress").className());
        assertEquals("T-shirt/top", lex.match("a striped T-shirt").className());
        assertEquals("Shirt", lex.match("two shirts").className());
        assertEquals("-", lex.match("a wool scarf with a shirt collar").className());
        assertEquals(new Lexicon.Match(null, null), lex.match("a wooden xylophone"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Lexicon.parse("# c\nBag bag, tote\n", "lex.txt"));
        assertTrue(e.getMessage().startsWith("lex.txt:2: expected 'Class name: phrase, phrase'"), e.getMessage());
    }

    @Test
    void corpusParserReadsGroupsAndRejectsMalformedInput() {
        KnowledgeCorpus c = KnowledgeCorpus.parse("# comment\na loose line\n\n[hats]\na red  hat\n", "k.txt");
        assertEquals(List.of("a loose line", "a red hat"), c.lines());
        assertEquals(List.of("default", "hats"), c.groupNames());
        assertEquals(List.of(0, 1), c.groups());
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> KnowledgeCorpus.parse("[hats\na hat\n", "k.txt"));
        assertTrue(bad.getMessage().startsWith("k.txt:1: malformed group header"), bad.getMessage());
        InvalidInputException empty = assertThrows(InvalidInputException.class,
                () -> KnowledgeCorpus.parse("# nothing\n", "k.txt"));
        assertEquals("k.txt: the knowledge corpus holds no description", empty.getMessage());
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> KnowledgeCorpus.load("/nonexistent/k.txt", new Configuration()));
        assertTrue(missing.getMessage().startsWith("llm.embedded.knowledge: cannot read /nonexistent/k.txt"),
                missing.getMessage());
    }

    @Test
    void vocabularyTokenisesKeepsHyphenatedWordsAndFindsPlurals() {
        assertEquals(List.of("a", "t-shirt", ",", "grey"), Vocabulary.tokens("A T-shirt, grey"));
        Vocabulary v = Vocabulary.build(List.of("a pair of trousers, dark", "a bag"));
        assertEquals(Vocabulary.UNK, v.encode("a kilt")[1]);
        int[] ctx = v.context("a dark trouser and bags, the xylophone");
        assertEquals(List.of("dark", "trousers", "bag"), java.util.Arrays.stream(ctx).mapToObj(v::word).toList());
        assertEquals("a pair of trousers, dark", v.decode(v.encode("a pair of trousers , dark"), 6));
    }
}
