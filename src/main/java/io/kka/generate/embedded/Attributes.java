package io.kka.generate.embedded;

import io.kka.data.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * The attribute grammar of the embedded renderer: which words of a description change the drawn image, and how.
 * File format: {@code operation: phrase, phrase, ...} per line, {@code #} comments; the operations are the fixed
 * set of {@link AttributeOps.Op} (the file chooses the words, the renderer owns what each operation does).
 *
 * <p>Matching is on whole words of the language model's tokenizer, with an optional plural s/es, scanning the
 * description left to right and taking the longest phrase at each position ("short sleeves" before "short"). Every
 * matched phrase adds its operation, in the order of the description; a phrase inside the item's own name is not
 * skipped (the lexicon decides the item, this grammar only its look).
 */
public final class Attributes implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String[]> phrases = new ArrayList<>();
    private final List<AttributeOps.Op> ops = new ArrayList<>();

    private Attributes() {
    }

    /**
     * @param uri  local path or Hadoop FS URI (falls back to the file shipped in the jar)
     * @param conf Hadoop configuration
     * @return the grammar
     * @throws InvalidInputException if it cannot be read or is malformed
     */
    public static Attributes load(String uri, Configuration conf) {
        return parse(ShippedText.read("images.embedded.attributes", uri, conf), uri);
    }

    /**
     * @param text grammar text
     * @param name its name for messages
     * @return the grammar
     * @throws InvalidInputException naming the line of a malformed entry or an unknown operation
     */
    public static Attributes parse(String text, String name) {
        Attributes a = new Attributes();
        for (ShippedText.Line line : ShippedText.lines(text)) {
            String[] kv = ShippedText.keyed(line, name, "operation: phrase, phrase");
            AttributeOps.Op op = AttributeOps.Op.parse(kv[0], name + ":" + line.number());
            for (String phrase : kv[1].split(",")) {
                List<String> tokens = Vocabulary.tokens(phrase.toLowerCase(Locale.ROOT));
                if (!tokens.isEmpty()) {
                    a.phrases.add(tokens.toArray(new String[0]));
                    a.ops.add(op);
                }
            }
        }
        if (a.phrases.isEmpty()) {
            throw new InvalidInputException(name + ": the attribute grammar holds no phrase");
        }
        return a;
    }

    /**
     * @param description a description
     * @return the operations its words ask for, in the order they appear (possibly none)
     */
    public List<AttributeOps.Op> match(String description) {
        List<String> words = Vocabulary.tokens(description);
        List<AttributeOps.Op> out = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            int best = -1;
            for (int e = 0; e < phrases.size(); e++) {
                boolean longer = best < 0 || phrases.get(e).length > phrases.get(best).length;
                if (longer && Lexicon.matchesAt(words, i, phrases.get(e))) {
                    best = e;
                }
            }
            if (best < 0) {
                i++;
            } else {
                out.add(ops.get(best));
                i += phrases.get(best).length;
            }
        }
        return out;
    }

    /** @return the number of phrases */
    public int size() {
        return phrases.size();
    }
}
