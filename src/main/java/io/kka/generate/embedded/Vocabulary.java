package io.kka.generate.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word vocabulary of the embedded language model: lower-cased words (hyphens and apostrophes inside a word
 * kept: "t-shirt" is one word) and single punctuation marks, plus three special tokens. Words outside the
 * vocabulary map to {@code <unk>}. Immutable.
 */
public final class Vocabulary {
    /** start of a description (history padding only; never predicted) */
    public static final int BOS = 0;
    /** end of a description */
    public static final int EOS = 1;
    /** any word not in the vocabulary */
    public static final int UNK = 2;
    private static final Pattern TOKEN =
            Pattern.compile("[\\p{L}\\p{N}]+(?:['’-][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");
    // words that say nothing about the item; ignored when the examples are turned into a context
    private static final Set<String> STOP = Set.of("a", "an", "the", "with", "and", "of", "in", "on", "at", "for",
            "to", "by", "from", "or", "pair", "is", "are", "as", "that", "this", "these", "be", "its", "it");
    private final List<String> words;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        this.ids = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            ids.put(words.get(i), i);
        }
    }

    /**
     * @param texts texts whose tokens form the vocabulary
     * @return the vocabulary: specials first, then the tokens in sorted order (so it is order-independent)
     */
    public static Vocabulary build(Collection<String> texts) {
        TreeSet<String> all = new TreeSet<>();
        texts.forEach(t -> all.addAll(tokens(t)));
        List<String> words = new ArrayList<>(List.of("<s>", "</s>", "<unk>"));
        all.removeAll(words);
        words.addAll(all);
        return new Vocabulary(words);
    }

    /** @return a vocabulary of exactly these tokens (as stored in a model file) */
    static Vocabulary of(List<String> words) {
        return new Vocabulary(words);
    }

    /** @return the tokens of a text: lower-case words and punctuation marks */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** @return the number of tokens including the three specials */
    public int size() {
        return words.size();
    }

    /** @return all tokens in id order */
    List<String> words() {
        return words;
    }

    /** @return the token of an id */
    public String word(int id) {
        return words.get(id);
    }

    /** @return the ids of a text's tokens, unknown ones as {@link #UNK}; no end token */
    public int[] encode(String text) {
        return tokens(text).stream().mapToInt(t -> ids.getOrDefault(t, UNK)).toArray();
    }

    /**
     * The context of a prompt: ids of its content words (stop words and punctuation dropped). An unknown word is
     * tried as plural/singular ("trouser" → "trousers") and otherwise ignored, so instruction words of a full
     * prompt text that the knowledge corpus never uses do not matter.
     *
     * @param text the prompt's examples (or any text)
     * @return content-word ids, in order, repeats kept
     */
    public int[] context(String text) {
        List<Integer> out = new ArrayList<>();
        for (String t : tokens(text)) {
            if (STOP.contains(t) || !Character.isLetterOrDigit(t.charAt(0))) {
                continue;
            }
            Integer id = ids.get(t);
            if (id == null) {
                id = ids.get(t + "s");
            }
            if (id == null && t.endsWith("s")) {
                id = ids.get(t.substring(0, t.length() - 1));
            }
            if (id != null) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return the text of word ids: spaces between words, punctuation attached to the word before */
    public String decode(int[] ids, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String w = words.get(ids[i]);
            boolean attach = w.length() == 1 && ",.;:!?)".contains(w);
            if (sb.length() > 0 && !attach && sb.charAt(sb.length() - 1) != '(') {
                sb.append(' ');
            }
            sb.append(w);
        }
        return sb.toString();
    }
}
