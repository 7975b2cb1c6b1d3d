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
    static String read(String key, String uri, Configuration conf) {
        try {
            return Fs.readShipped(uri, conf);
        } catch (IOException e) {
            throw new InvalidInputException(key + ": cannot read " + uri + " (" + e.getMessage() + ")");
        }
    }
}
