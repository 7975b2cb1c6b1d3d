package io.kka.data.readers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;

/**
 * Executor-side parsing of manifest rows into {@link ImageRef}s. A row is named "manifest.csv row 17" in every
 * message: for CSV, row N is the N-th line after the header; for JSONL the N-th line; for Parquet the N-th row in
 * file order. Image URIs relative to the manifest's directory are resolved against it.
 *
 * <p>Every resolved URI must lie under one of {@code roots} (the manifest's directory, plus
 * {@code data.allowed_image_roots}), compared as qualified, normalised URIs: {@code ..} cannot climb out, another
 * scheme or host is another root, and an {@code http://} URI (which Hadoop would fetch from the executor) is refused
 * before any request unless a root allows it.
 *
 * @param name  the manifest's file name, for messages
 * @param base  the manifest's directory (qualified URI)
 * @param roots qualified URI prefixes, each ending in "/", that images may be read from
 */
record ManifestRows(String name, String base, List<String> roots) implements Serializable {

    /** Builds the reference of one parsed row. */
    ImageRef ref(long row, String imageUri, String cls, String[] captions, String split) {
        String label = name + " row " + row;
        String uri = imageUri == null ? "" : imageUri.strip();
        String source = uri.isEmpty() ? label : label + " (" + uri + ")";
        String c = cls == null || cls.isBlank() ? null : cls.strip();
        if (uri.isEmpty()) {
            return ImageRef.bad(source, c, null, "image_uri is empty");
        }
        String s = split == null || split.isBlank() ? null : split.strip().toLowerCase(Locale.ROOT);
        if (s != null && !s.equals("train") && !s.equals("val") && !s.equals("test")) {
            return ImageRef.bad(source, c, null, "split must be train, val or test, found '" + split + "'");
        }
        if (c == null) {
            return ImageRef.bad(source, null, s, "class_name is empty");
        }
        String resolved;
        try {
            resolved = resolve(uri);
        } catch (IllegalArgumentException e) {
            return ImageRef.bad(source, c, s, "image_uri is not a valid path or URI (" + e.getMessage() + ")");
        }
        if (!allowed(resolved)) {
            return ImageRef.bad(source, c, s, "image_uri " + resolved + " is outside the allowed roots " + roots
                    + " (the manifest's directory and data.allowed_image_roots); not read");
        }
        return new ImageRef(resolved, source, c, captions, null, s, null);
    }

    /** @return whether a resolved URI lies under one of the roots (a scheme-less path takes the manifest's) */
    boolean allowed(String resolved) {
        java.net.URI u = new Path(resolved).toUri().normalize();
        if (u.getScheme() == null) {
            java.net.URI b = java.net.URI.create(base);
            try {
                u = new java.net.URI(b.getScheme(), b.getAuthority(), u.getPath(), null, null).normalize();
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        if (u.getPath() == null || u.getPath().contains("/../") || u.getPath().endsWith("/..")) {
            return false;
        }
        String full = u.toString();
        String noEmptyAuthority = full.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*):///", "$1:/");
        return roots.stream().anyMatch(r -> full.startsWith(r) || noEmptyAuthority.startsWith(r));
    }

    /**
     * @param root a qualified directory URI
     * @return it as a root prefix: normalised, "file:///x" written "file:/x" as Hadoop qualifies it, ending in "/"
     */
    static String root(String root) {
        String r = java.net.URI.create(root).normalize().toString()
                .replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*):///", "$1:/");
        return r.endsWith("/") ? r : r + "/";
    }

    /** @return an absolute URI or path as is; a relative one against the manifest's directory */
    String resolve(String uri) {
        Path p = new Path(uri);
        if (p.toUri().getScheme() != null || p.isAbsolute()) {
            return p.toString();
        }
        return new Path(new Path(base), p).toString();
    }

    /** Parses a CSV data line given the header's column indices (caption and split may be -1). */
    ImageRef csv(long row, String line, int uriCol, int classCol, int captionCol, int splitCol, int width) {
        List<String> f;
        try {
            f = Csv.parse(line);
        } catch (IllegalArgumentException e) {
            return ImageRef.bad(name + " row " + row, null, null, "not valid CSV (" + e.getMessage() + ")");
        }
        if (f.size() != width) {
            return ImageRef.bad(name + " row " + row, null, null, "has " + f.size() + " fields, the header has "
                    + width);
        }
        String caption = captionCol < 0 ? null : f.get(captionCol).strip();
        return ref(row, f.get(uriCol), f.get(classCol), caption == null || caption.isEmpty() ? null
                : new String[] {caption}, splitCol < 0 ? null : f.get(splitCol));
    }

    /** Parses a JSONL line: an object with image_uri, class_name, caption or captions, split. */
    ImageRef json(long row, String line, ObjectMapper mapper) {
        JsonNode n;
        try {
            n = mapper.readTree(line);
        } catch (java.io.IOException e) {
            return ImageRef.bad(name + " row " + row, null, null, "not valid JSON ("
                    + ImageFiles.jsonProblem(e) + ")");
        }
        if (n == null || !n.isObject()) {
            return ImageRef.bad(name + " row " + row, null, null, "is not a JSON object");
        }
        return ref(row, text(n, "image_uri"), text(n, "class_name"), captions(n), text(n, "split"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** @return "caption" (a string) and/or "captions" (an array of strings), blanks dropped; null if none */
    static String[] captions(JsonNode n) {
        List<String> out = new ArrayList<>();
        JsonNode one = n.get("caption");
        if (one != null && one.isTextual() && !one.asText().isBlank()) {
            out.add(one.asText().strip());
        }
        JsonNode many = n.get("captions");
        if (many != null && many.isArray()) {
            many.forEach(c -> {
                if (c.isTextual() && !c.asText().isBlank()) {
                    out.add(c.asText().strip());
                }
            });
        }
        return out.isEmpty() ? null : out.toArray(new String[0]);
    }
}
