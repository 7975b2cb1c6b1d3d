package io.kka.report;

import java.util.Locale;

/**
 * Escaping and number formatting for the report. Every piece of text that comes from a run (descriptions written
 * by an LLM, config values, file names) passes through {@link #text} before it reaches the page, so data can never
 * open a tag, an attribute or a script.
 */
final class Html {
    private Html() {
    }

    /**
     * Escapes text for element content and quoted attribute values.
     *
     * @param s any text, may be null (rendered as the empty string)
     * @return the text with {@code & < > " '} replaced by entities and control characters dropped
     */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // control characters other than tab and newline are invalid in HTML text
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * @param v a number
     * @return up to 4 significant digits, locale-independent ("—" for NaN or infinite)
     */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "—";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /**
     * @param v an SVG coordinate
     * @return the coordinate with one decimal (stable across runs and locales)
     */
    static String px(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
