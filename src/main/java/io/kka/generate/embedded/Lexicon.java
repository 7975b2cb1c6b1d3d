package io.kka.generate.embedded;

import io.kka.data.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Maps a description to the bank class it describes. File format: {@code Class name: phrase, phrase, ...} per
 * line, {@code #} comments; the class {@value #NOT_IN_BANK} lists items known not to be in the bank. A phrase may
 * end with attribute operations in braces that the item implies ({@code Trouser: shorts {shorts}}: shorts are drawn
 * from trouser images, cut short; see {@link AttributeOps}). Matching is
 * on whole words (the language model's tokenizer: "t-shirt" is one word, so "shirt" does not match it), with an
 * optional plural s/es. The phrase starting earliest wins (a description names its item first: "a belt bag with a
 * zip" is a bag, "a scarf with a shirt collar" a scarf); at equal start the longest phrase wins.
 */
public final class Lexicon implements Serializable {
    /** the class of items known not to be in the bank */
    public static final String NOT_IN_BANK = "-";
    private static final long serialVersionUID = 1L;
    private final List<String[]> phrases = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<List<AttributeOps.Op>> shapes = new ArrayList<>();

    private Lexicon() {
    }

    /**
     * What a description matched.
     *
     * @param className the class, {@value #NOT_IN_BANK}, or null if no phrase matched
     * @param phrase    the phrase that matched, or null
     * @param shape     attribute operations the item itself implies ("shorts {shorts}": a trouser cut short)
     */
    public record Match(String className, String phrase, List<AttributeOps.Op> shape) implements Serializable {
        /** A match without shape operations. */
        public Match(String className, String phrase) {
            this(className, phrase, List.of());
        }
    }

    /**
     * @param uri  local path or Hadoop FS URI
     * @param conf Hadoop configuration
     * @return the lexicon
     * @throws InvalidInputException if it cannot be read or is malformed
     */
    public static Lexicon load(String uri, Configuration conf) {
        return parse(ShippedText.read("images.embedded.lexicon", uri, conf), uri);
    }

    /**
     * @param text lexicon text
     * @param name its name for messages
     * @return the lexicon
     * @throws InvalidInputException naming the line of a malformed entry
     */
    public static Lexicon parse(String text, String name) {
        Lexicon lex = new Lexicon();
        int lineNo = 0;
        for (String raw : text.split("\\R")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new InvalidInputException(name + ":" + lineNo + ": expected 'Class name: phrase, phrase',"
                        + " found '" + line + "'");
            }
            String cls = line.substring(0, colon).strip();
            for (String entry : line.substring(colon + 1).split(",")) {
                String phrase = entry;
                List<AttributeOps.Op> shape = new ArrayList<>();
                int brace = entry.indexOf('{');
                if (brace >= 0) {
                    int end = entry.indexOf('}', brace);
                    if (end < 0) {
                        throw new InvalidInputException(name + ":" + lineNo + ": unclosed '{' in '" + entry.strip()
                                + "'");
                    }
                    for (String op : entry.substring(brace + 1, end).strip().split("\\s+")) {
                        if (!op.isEmpty()) {
                            shape.add(AttributeOps.Op.parse(op, name + ":" + lineNo));
                        }
                    }
                    phrase = entry.substring(0, brace);
                }
                List<String> tokens = Vocabulary.tokens(phrase);
                if (!tokens.isEmpty()) {
                    lex.phrases.add(tokens.toArray(new String[0]));
                    lex.labels.add(cls);
                    lex.shapes.add(List.copyOf(shape));
                }
            }
        }
        if (lex.phrases.isEmpty()) {
            throw new InvalidInputException(name + ": the lexicon holds no phrase");
        }
        return lex;
    }

    /** @return the bank classes named in the lexicon (without {@value #NOT_IN_BANK}), in file order */
    public Set<String> classes() {
        Set<String> out = new LinkedHashSet<>(labels);
        out.remove(NOT_IN_BANK);
        return out;
    }

    /** @return what the description describes; {@code Match(null, null)} if nothing matched */
    public Match match(String description) {
        List<String> words = Vocabulary.tokens(description);
        for (int i = 0; i < words.size(); i++) {
            int best = -1;
            for (int e = 0; e < phrases.size(); e++) {
                boolean longer = best < 0 || phrases.get(e).length > phrases.get(best).length;
                if (longer && matchesAt(words, i, phrases.get(e))) {
                    best = e;
                }
            }
            if (best >= 0) {
                return new Match(labels.get(best), String.join(" ", phrases.get(best)), shapes.get(best));
            }
        }
        return new Match(null, null);
    }

    /** @return whether {@code phrase} (with an optional plural s/es on each word) starts at word {@code at} */
    static boolean matchesAt(List<String> words, int at, String[] phrase) {
        if (at + phrase.length > words.size()) {
            return false;
        }
        for (int k = 0; k < phrase.length; k++) {
            String w = words.get(at + k);
            String p = phrase[k];
            if (!w.equals(p) && !w.equals(p + "s") && !w.equals(p + "es")) {
                return false;
            }
        }
        return true;
    }
}
