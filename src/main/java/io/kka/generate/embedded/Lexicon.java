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
        for (ShippedText.Line line : ShippedText.lines(text)) {
            String[] kv = ShippedText.keyed(line, name, "Class name: phrase, phrase");
            String where = name + ":" + line.number();
            for (String entry : kv[1].split(",")) {
                int brace = entry.indexOf('{');
                List<String> tokens = Vocabulary.tokens(brace < 0 ? entry : entry.substring(0, brace));
                if (!tokens.isEmpty()) {
                    lex.phrases.add(tokens.toArray(new String[0]));
                    lex.labels.add(kv[0]);
                    lex.shapes.add(brace < 0 ? List.of() : shape(entry.substring(brace), where));
                }
            }
        }
        if (lex.phrases.isEmpty()) {
            throw new InvalidInputException(name + ": the lexicon holds no phrase");
        }
        return lex;
    }

    /** @return the operations of "{op op}" (the rest of an entry from its brace) */
    private static List<AttributeOps.Op> shape(String braced, String where) {
        int end = braced.indexOf('}');
        if (end < 0) {
            throw new InvalidInputException(where + ": unclosed '{' in '" + braced.strip() + "'");
        }
        List<AttributeOps.Op> ops = new ArrayList<>();
        for (String op : braced.substring(1, end).strip().split("\\s+")) {
            if (!op.isEmpty()) {
                ops.add(AttributeOps.Op.parse(op, where));
            }
        }
        return List.copyOf(ops);
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
