package io.kka.data.readers;

import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The shape of a folder-per-class tree, found on the driver from directory names only: either
 * {@code root/<class>/…} or {@code root/<split>/<class>/…} with split folders named train, val and test. Names
 * starting with "." or "_" are hidden (as in Spark's file sources). Files deeper than the class folder belong to
 * that class.
 *
 * @param root    the qualified root URI, no trailing slash
 * @param splits  true if the first level is train/val/test
 * @param classes class names, sorted
 */
record FolderLayout(String root, boolean splits, List<String> classes) implements Serializable {
    static final Set<String> SPLITS = Set.of("train", "val", "test");

    /**
     * @param path data.path
     * @param conf Hadoop configuration
     * @return the layout
     * @throws InvalidInputException for a missing root, a root without class folders, or mixed levels
     */
    static FolderLayout detect(String path, Configuration conf) {
        FileSystem fs = Fs.fs(path, conf);
        Path root = fs.makeQualified(new Path(path));
        List<String> top = dirs(fs, root, path);
        if (top == null) {
            throw new InvalidInputException("data.path " + path + " does not exist (expected " + path
                    + "/<class>/<image> or " + path + "/train/<class>/<image>)");
        }
        List<String> splitDirs = top.stream().filter(SPLITS::contains).toList();
        Set<String> classes = new TreeSet<>();
        if (splitDirs.isEmpty()) {
            classes.addAll(top);
        } else if (splitDirs.size() == top.size()) {
            for (String s : splitDirs) {
                classes.addAll(dirs(fs, new Path(root, s), path + "/" + s));
            }
        } else {
            List<String> other = new ArrayList<>(top);
            other.removeAll(splitDirs);
            throw new InvalidInputException("data.path " + path + " mixes split folders " + splitDirs
                    + " with class folders " + other + " (use <class>/ or train|val|test/<class>/, not both)");
        }
        if (classes.isEmpty()) {
            throw new InvalidInputException("data.path " + path + " holds no class folders (expected " + path
                    + "/<class>/<image> or " + path + "/train/<class>/<image>)");
        }
        return new FolderLayout(root.toString(), !splitDirs.isEmpty(), List.copyOf(classes));
    }

    /** @return visible sub-directory names, or null if {@code dir} does not exist or is not a directory */
    private static List<String> dirs(FileSystem fs, Path dir, String shown) {
        try {
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                if (s.isDirectory() && !n.startsWith(".") && !n.startsWith("_")) {
                    out.add(n);
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new InvalidInputException(shown + ": cannot list (" + ImageFiles.oneLine(e) + ")");
        }
    }

    /**
     * @param file a file URI found under the root
     * @return its path relative to the root, with "/" separators (the key of the captions file)
     */
    String relative(String file) {
        return file.startsWith(root + "/") ? file.substring(root.length() + 1) : file;
    }

    /**
     * @param file a file URI found under the root
     * @return the file's reference: class and split from its folders, or a bad record if it lies outside them
     */
    ImageRef ref(String file) {
        String rel = relative(file);
        String[] parts = rel.split("/");
        int depth = splits ? 3 : 2;
        if (parts.length < depth) {
            return ImageRef.bad(file, null, null, "not inside a class folder (expected " + root
                    + (splits ? "/<split>/<class>/<file>)" : "/<class>/<file>)"));
        }
        String split = splits ? parts[0] : null;
        return new ImageRef(file, file, parts[splits ? 1 : 0], null, null, split, null);
    }

    /**
     * @param file a path as written in a captions file: relative to the root, or absolute under it
     * @return the same key {@link #relative} gives for the image
     */
    String key(String file) {
        String k = file.strip().replace('\\', '/');
        String bare = root.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*:", "");
        if (k.startsWith(root + "/")) {
            k = k.substring(root.length() + 1);
        } else if (!bare.isEmpty() && k.startsWith(bare + "/")) {
            k = k.substring(bare.length() + 1);
        }
        while (k.startsWith("./")) {
            k = k.substring(2);
        }
        return k;
    }
}
