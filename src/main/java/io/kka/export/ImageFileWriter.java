package io.kka.export;

import io.kka.data.InvalidInputException;
import io.kka.store.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one partition's images as files, on the executor: rows of (path relative to the root, sample id, PNG
 * bytes). The stored bytes are written as they are (the samples table holds PNG only; anything else is refused).
 * A retried or speculative task rewrites the same names with the same bytes.
 */
final class ImageFileWriter implements ForeachPartitionFunction<Row> {
    private static final long serialVersionUID = 1L;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final String root;
    private final HadoopConf conf;

    /**
     * @param root the export's (temporary) root directory
     * @param conf the driver's Hadoop configuration, shipped without its secrets
     */
    ImageFileWriter(String root, HadoopConf conf) {
        this.root = root;
        this.conf = conf;
    }

    @Override
    public void call(Iterator<Row> rows) throws IOException {
        Path base = new Path(root);
        // the cached FileSystem instance is shared by the executor's tasks: not closed here
        FileSystem fs = withoutChecksums(base.getFileSystem(conf.get()));
        while (rows.hasNext()) {
            Row r = rows.next();
            byte[] png = r.getAs(2);
            if (!isPng(png)) {
                throw new InvalidInputException("sample " + r.getString(1) + ": its stored image is not a PNG;"
                        + " cannot export it as " + r.getString(0));
            }
            try (OutputStream out = fs.create(new Path(base, r.getString(0)), true)) {
                out.write(png);
            }
        }
    }

    /**
     * @param fs a file system
     * @return the raw local file system under a local one, so that no {@code .NAME.crc} file lands beside each
     *         exported file (other detectors' loaders list these directories); any other file system as it is
     */
    static FileSystem withoutChecksums(FileSystem fs) {
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** @return whether the bytes start with the PNG signature */
    static boolean isPng(byte[] bytes) {
        if (bytes == null || bytes.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (bytes[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }
}
