package io.kka.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The small files of a run directory, read on the driver: config.yaml, state.json, metrics.json and each committed
 * iteration's metrics.json. Missing or unreadable files are recorded as notes, never thrown, so a partial run
 * still gets a report.
 */
final class RunContents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMITTED = Pattern.compile("\\d{3}");

    private final RunLayout layout;
    private final Configuration conf;
    private final List<String> notes = new ArrayList<>();
    private final Map<Integer, JsonNode> iterations = new TreeMap<>();
    private String configYaml;
    private JsonNode state;
    private JsonNode metrics;

    private RunContents(RunLayout layout, Configuration conf) {
        this.layout = layout;
        this.conf = conf;
    }

    /**
     * @param layout the run directory
     * @param conf   Hadoop configuration
     * @return what the run directory holds
     */
    static RunContents read(RunLayout layout, Configuration conf) {
        RunContents c = new RunContents(layout, conf);
        c.configYaml = c.text("config.yaml");
        c.state = c.json("state.json");
        c.metrics = c.json("metrics.json");
        for (JsonNode it : c.metrics.path("iterations")) {
            if (it.path("iteration").isInt()) {
                c.iterations.put(it.path("iteration").asInt(), it);
            }
        }
        for (int t : c.committed()) {
            JsonNode m = c.json(String.format("iterations/%03d/metrics.json", t));
            // the iteration's own file is the source of truth; metrics.json at the root is a summary
            c.iterations.put(t, m.isMissingNode() ? c.iterations.getOrDefault(t, m) : m);
        }
        return c;
    }

    /** @return true if the directory holds any trace of a run */
    boolean holdsRun() {
        return configYaml != null || !state.isMissingNode() || !metrics.isMissingNode() || !iterations.isEmpty();
    }

    /** @return true if {@code RUN/rel} exists */
    boolean exists(String rel) {
        return Fs.exists(layout.path(rel), conf);
    }

    /** Records that something is missing or unreadable, shown at the top of the report. */
    void note(String what) {
        notes.add(what);
    }

    List<String> notes() {
        return notes;
    }

    RunLayout layout() {
        return layout;
    }

    /** @return the effective config as written by the run, or null */
    String configYaml() {
        return configYaml;
    }

    /** @return state.json, or a missing node */
    JsonNode state() {
        return state;
    }

    /** @return metrics.json, or a missing node */
    JsonNode metrics() {
        return metrics;
    }

    /** @return iteration number → its metrics (a missing node if the iteration has none), ascending */
    Map<Integer, JsonNode> iterations() {
        return iterations;
    }

    /** @return the provenance block from metrics.json, else from state.json (a missing node if neither) */
    JsonNode provenance() {
        JsonNode p = metrics.path("provenance");
        return p.isObject() ? p : state.path("provenance");
    }

    private List<Integer> committed() {
        List<Integer> out = new ArrayList<>();
        Path dir = new Path(layout.path("iterations"));
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                for (FileStatus s : fs.listStatus(dir)) {
                    String name = s.getPath().getName();
                    if (s.isDirectory() && COMMITTED.matcher(name).matches()) {
                        out.add(Integer.parseInt(name));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    private String text(String rel) {
        String file = layout.path(rel);
        if (!Fs.exists(file, conf)) {
            notes.add(rel + " is missing");
            return null;
        }
        try {
            return Fs.readString(file, conf);
        } catch (IOException e) {
            notes.add(rel + " is unreadable: " + e.getMessage());
            return null;
        }
    }

    private JsonNode json(String rel) {
        String s = text(rel);
        if (s == null) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            notes.add(rel + " is not valid JSON: " + e.getOriginalMessage());
            return JSON.missingNode();
        }
    }
}
