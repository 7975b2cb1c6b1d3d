package io.kka.generate.embedded;

import io.kka.data.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The knowledge corpus the embedded language model learns from: one description per line, {@code #} comment lines,
 * blank lines ignored, and {@code [group]} lines that start a group of related items (lines before the first
 * header form the group "default"). Immutable.
 *
 * @param name   where it came from (for messages and provenance)
 * @param lines  the descriptions, in file order
 * @param groups the group index of each line
 * @param groupNames the group names, by index
 */
public record KnowledgeCorpus(String name, List<String> lines, List<Integer> groups, List<String> groupNames) {
    /** Copies the lists. */
    public KnowledgeCorpus {
        lines = List.copyOf(lines);
        groups = List.copyOf(groups);
        groupNames = List.copyOf(groupNames);
    }

    /**
     * @param uri  a local path or Hadoop FS URI
     * @param conf Hadoop configuration
     * @return the parsed corpus
     * @throws InvalidInputException if it cannot be read or holds no description
     */
    public static KnowledgeCorpus load(String uri, Configuration conf) {
        return parse(ShippedText.read("llm.embedded.knowledge", uri, conf), uri);
    }

    /**
     * @param text the corpus text
     * @param name its name for messages
     * @return the parsed corpus
     * @throws InvalidInputException if it holds no description or a malformed header
     */
    public static KnowledgeCorpus parse(String text, String name) {
        List<String> lines = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        List<String> groupNames = new ArrayList<>(List.of("default"));
        int group = 0;
        for (ShippedText.Line l : ShippedText.lines(text)) {
            String line = l.text();
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new InvalidInputException(name + ":" + l.number() + ": malformed group header '" + line
                            + "' (expected [name])");
                }
                groupNames.add(line.substring(1, line.length() - 1).strip());
                group = groupNames.size() - 1;
                continue;
            }
            lines.add(line.replaceAll("\\s+", " "));
            groups.add(group);
        }
        if (lines.isEmpty()) {
            throw new InvalidInputException(name + ": the knowledge corpus holds no description");
        }
        return new KnowledgeCorpus(name, lines, groups, groupNames);
    }

    /** @return the number of descriptions */
    public int size() {
        return lines.size();
    }
}
