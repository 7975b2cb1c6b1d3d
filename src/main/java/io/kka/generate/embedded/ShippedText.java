package io.kka.generate.embedded;

import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/** Reads a text file the embedded stand-ins ship with (knowledge corpus, lexicon), naming the config key on failure. */
final class ShippedText {
    private ShippedText() {
    }

    /**
     * @param key  the config key that named the file, for the error message
     * @param uri  a path or Hadoop FS URI (falls back to the same relative path inside the jar)
     * @param conf Hadoop configuration
     * @return the text
     * @throws InvalidInputException {@code "<key>: cannot read <uri> (<why>)"} when it cannot be read
     */
    /**
     * A meaningful line of a shipped text file.
     *
     * @param number 1-based line number, for messages
     * @param text   the line, stripped
     */
    record Line(int number, String text) {
    }

    /** @return the lines of {@code text} that are neither blank nor {@code #} comments, stripped */
    static java.util.List<Line> lines(String text) {
        java.util.List<Line> out = new java.util.ArrayList<>();
        int n = 0;
        for (String raw : text.split("\\R")) {
            n++;
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(new Line(n, line));
            }
        }
        return out;
    }

    /**
     * Splits a {@code key: phrase, phrase, ...} line (lexicon, attribute grammar).
     *
     * @param line   the line
     * @param name   the file's name, for messages
     * @param format what a line should look like, for messages ("Class name: phrase, phrase")
     * @return {key, the comma-separated rest}
     * @throws InvalidInputException naming the file and line when there is no key before a colon
     */
    static String[] keyed(Line line, String name, String format) {
        int colon = line.text().indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException(name + ":" + line.number() + ": expected '" + format + "', found '"
                    + line.text() + "'");
        }
        return new String[] {line.text().substring(0, colon).strip(), line.text().substring(colon + 1)};
    }

    static String read(String key, String uri, Configuration conf) {
        try {
            return Fs.readShipped(uri, conf);
        } catch (IOException e) {
            throw new InvalidInputException(key + ": cannot read " + uri + " (" + e.getMessage() + ")");
        }
    }
}
