package io.kka.data.readers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal RFC 4180 line parser for manifests and captions files: comma-separated fields, optionally in double
 * quotes, a doubled quote inside quotes is one quote. One record per line (a quoted field cannot span lines), so
 * that every record has a line number for error messages.
 */
final class Csv {
    private Csv() {
    }

    /**
     * @param line one line, without its line terminator
     * @return the fields, unquoted
     * @throws IllegalArgumentException for an unterminated quoted field or text after a closing quote
     */
    static List<String> parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            cur.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i = quoted(line, i + 1, cur);
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    cur.append(line.charAt(i++));
                }
            }
            out.add(cur.toString());
            if (i >= n) {
                return out;
            }
            i++;
        }
    }

    /** Reads a quoted field starting after its opening quote; returns the index after the closing quote. */
    private static int quoted(String line, int start, StringBuilder cur) {
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            cur.append(c);
            i++;
        }
        throw new IllegalArgumentException("unterminated quoted field starting at column " + start);
    }

    /**
     * @param header   parsed header fields
     * @param column   wanted column name (matched case-insensitively, surrounding blanks ignored)
     * @return its index, or -1
     */
    static int indexOf(List<String> header, String column) {
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).strip();
            if (i == 0 && h.startsWith("\uFEFF")) {
                h = h.substring(1);
            }
            if (h.toLowerCase(Locale.ROOT).equals(column)) {
                return i;
            }
        }
        return -1;
    }
}
