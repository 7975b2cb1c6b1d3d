package io.kka.data.readers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.data.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The folder reader's captions file, parsed on executors with line numbers: JSONL lines
 * {@code {"file": "<class>/x.png", "caption": "…"}} or {@code {"file": …, "captions": ["…", …]}}, or CSV with a
 * header naming columns {@code file} and {@code caption}. Several lines may name the same file; their captions
 * are concatenated in line order.
 */
final class CaptionsFile {
    private CaptionsFile() {
    }

    /**
     * One line of a captions file.
     *
     * @param key      the image key (path relative to the folder root), null for a bad line
     * @param line     1-based line number
     * @param captions the line's captions (possibly empty)
     * @param source   "captions.jsonl line 7", for messages
     * @param error    why the line is bad, or null
     */
    record Line(String key, long line, String[] captions, String source, String error) implements Serializable {
    }

    /**
     * @param spark  the session
     * @param uri    the captions file
     * @param layout the folder layout (turns file entries into keys)
     * @return parsed lines, blank lines dropped
     */
    static JavaRDD<Line> parse(SparkSession spark, String uri, FolderLayout layout) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String name = new Path(uri).getName();
        String format = TextLines.formatName(uri);
        if (format.endsWith(".csv")) {
            String header = TextLines.firstLine(uri, conf);
            List<String> cols = header == null ? List.of() : Csv.parse(header);
            int fileCol = Csv.indexOf(cols, "file");
            int capCol = Csv.indexOf(cols, "caption");
            if (fileCol < 0 || capCol < 0) {
                throw new InvalidInputException(uri + ": header must name columns file and caption (found: "
                        + String.join(", ", cols) + ")");
            }
            int width = cols.size();
            return TextLines.numbered(spark, uri).filter(t -> t._1() > 1 && !t._2().isBlank())
                    .map(t -> csv(name, t._1(), t._2(), fileCol, capCol, width, layout));
        }
        if (format.endsWith(".jsonl") || format.endsWith(".json") || format.endsWith(".ndjson")) {
            return TextLines.numbered(spark, uri).filter(t -> !t._2().isBlank()).mapPartitions(it -> {
                ObjectMapper mapper = new ObjectMapper();
                List<Line> out = new ArrayList<>();
                it.forEachRemaining(t -> out.add(json(name, t._1(), t._2(), mapper, layout)));
                return out.iterator();
            });
        }
        throw new InvalidInputException("data.captions_file " + uri + ": must end in .jsonl, .json, .ndjson or .csv");
    }

    static Line csv(String name, long line, String text, int fileCol, int capCol, int width, FolderLayout layout) {
        String source = name + " line " + line;
        List<String> f;
        try {
            f = Csv.parse(text);
        } catch (IllegalArgumentException e) {
            return new Line(null, line, null, source, "not valid CSV (" + e.getMessage() + ")");
        }
        if (f.size() != width) {
            return new Line(null, line, null, source, "has " + f.size() + " fields, the header has " + width);
        }
        return entry(source, line, f.get(fileCol), f.get(capCol).isBlank() ? new String[0]
                : new String[] {f.get(capCol).strip()}, layout);
    }

    static Line json(String name, long line, String text, ObjectMapper mapper, FolderLayout layout) {
        String source = name + " line " + line;
        JsonNode n;
        try {
            n = mapper.readTree(text);
        } catch (java.io.IOException e) {
            return new Line(null, line, null, source, "not valid JSON ("
                    + ImageFiles.jsonProblem(e) + ")");
        }
        if (n == null || !n.isObject()) {
            return new Line(null, line, null, source, "is not a JSON object");
        }
        JsonNode file = n.get("file");
        String[] caps = ManifestRows.captions(n);
        return entry(source, line, file == null || file.isNull() ? null : file.asText(),
                caps == null ? new String[0] : caps, layout);
    }

    private static Line entry(String source, long line, String file, String[] caps, FolderLayout layout) {
        if (file == null || file.isBlank()) {
            return new Line(null, line, null, source, "file is empty");
        }
        return new Line(layout.key(file), line, caps, source + " (" + file.strip() + ")", null);
    }
}
