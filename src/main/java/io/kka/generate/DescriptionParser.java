package io.kka.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an LLM reply into one description per entry, and recognises descriptions that name a normal class.
 *
 * <p>Accepted reply shapes: a JSON array of strings (possibly inside a ```json fence), a numbered list
 * ({@code 1.}, {@code 1)}), a bulleted list ({@code -}, {@code *}, {@code •}), or one description per line.
 * Entries are trimmed of list markers, surrounding quotes and whitespace; lead-in lines such as
 * "Here are 10 descriptions:" are dropped; duplicates (case- and space-insensitive) are removed, first kept.
 */
public final class DescriptionParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("^\\s*(?:\\(?\\d{1,3}[.):]\\s+|[-*•·]\\s+)");
    private static final Pattern FENCE = Pattern.compile("```(?:json)?\\s*(.*?)```", Pattern.DOTALL);
    private static final Pattern LEAD_IN = Pattern.compile(
            "^(?:sure|certainly|ok(?:ay)?|here (?:are|is)|below (?:are|is)|the following)\\b.*|.*:\\s*$",
            Pattern.CASE_INSENSITIVE);
    // compiled once: String.split/replaceAll compile their pattern on every call (2% of a describe task's CPU)
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern BOLD = Pattern.compile("^\\*\\*(.*)\\*\\*$");
    /** whole-word patterns of class names, by name; a task's few class names are compiled once per JVM */
    private static final int MAX_CLASS_PATTERNS = 4096;
    private static final java.util.concurrent.ConcurrentMap<String, Pattern> CLASS_PATTERNS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private DescriptionParser() {
    }

    /**
     * @param reply the model's reply text (null gives an empty list)
     * @return descriptions in order, trimmed and de-duplicated
     */
    public static List<String> parse(String reply) {
        if (reply == null || reply.isBlank()) {
            return List.of();
        }
        String text = reply.strip();
        Matcher fence = FENCE.matcher(text);
        if (fence.find() && fence.group(1).strip().startsWith("[")) {
            text = fence.group(1).strip();
        }
        List<String> raw = new ArrayList<>();
        if (text.startsWith("[")) {
            try {
                JsonNode arr = JSON.readTree(text);
                if (arr.isArray()) {
                    arr.forEach(n -> raw.add(n.isTextual() ? n.asText() : n.toString()));
                }
            } catch (java.io.IOException e) {
                // not JSON after all: fall back to lines
            }
        }
        if (raw.isEmpty()) {
            for (String line : LINE_BREAK.split(text)) {
                String stripped = line.strip();
                if (stripped.isEmpty() || stripped.startsWith("```")) {
                    continue;
                }
                boolean listed = MARKER.matcher(stripped).find();
                if (!listed && LEAD_IN.matcher(stripped).matches()) {
                    continue;
                }
                raw.add(MARKER.matcher(stripped).replaceFirst(""));
            }
        }
        Map<String, String> unique = new LinkedHashMap<>();
        for (String r : raw) {
            String d = clean(r);
            if (!d.isEmpty()) {
                unique.putIfAbsent(SPACES.matcher(d.toLowerCase(Locale.ROOT)).replaceAll(" "), d);
            }
        }
        return List.copyOf(unique.values());
    }

    private static String clean(String s) {
        String d = s.strip();
        d = BOLD.matcher(d).replaceAll("$1").strip();
        if (d.length() >= 2 && (d.startsWith("\"") && d.endsWith("\"") || d.startsWith("'") && d.endsWith("'")
                || d.startsWith("“") && d.endsWith("”"))) {
            d = d.substring(1, d.length() - 1).strip();
        }
        if (d.endsWith(",")) {
            d = d.substring(0, d.length() - 1).strip();
        }
        return SPACES.matcher(d).replaceAll(" ");
    }

    /**
     * Whether a description names one of the classes. A class name with alternatives ("T-shirt/top") matches
     * any of them; matching is case-insensitive on whole words, with hyphens part of words ("shirt" does not
     * match "t-shirt") and an optional plural s.
     *
     * @param description a description
     * @param classNames  class names
     * @return the first class named, or null
     */
    public static String namedClass(String description, Collection<String> classNames) {
        String d = description.toLowerCase(Locale.ROOT);
        for (String cls : classNames) {
            for (String alt : cls.toLowerCase(Locale.ROOT).split("/")) {
                String a = alt.strip().replace('_', ' '); // household_furniture is "household furniture" in text
                if (a.isEmpty()) {
                    continue;
                }
                if (classPattern(a).matcher(d).find()) {
                    return cls;
                }
            }
        }
        return null;
    }

    private static Pattern classPattern(String name) {
        Pattern p = CLASS_PATTERNS.get(name);
        if (p == null) {
            p = Pattern.compile("(?<![\\p{L}\\p{N}-])" + Pattern.quote(name) + "(?:e?s)?(?![\\p{L}\\p{N}-])");
            if (CLASS_PATTERNS.size() >= MAX_CLASS_PATTERNS) {
                CLASS_PATTERNS.clear(); // a bound, not an eviction policy: no job names this many classes
            }
            CLASS_PATTERNS.put(name, p);
        }
        return p;
    }
}
