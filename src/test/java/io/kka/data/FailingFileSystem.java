package io.kka.data;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code failfs:}, failing every attempt to create a Parquet part file: a
 * write that dies half-way, after Spark has started writing the output, for the no-partial-output test.
 */
public final class FailingFileSystem extends RawLocalFileSystem {
    /** the scheme this file system serves */
    public static final String SCHEME = "failfs";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        failOnPartFile(f);
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        failOnPartFile(f);
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    private static void failOnPartFile(Path f) throws IOException {
        if (f.getName().startsWith("part-")) {
            throw new IOException("injected failure creating " + f);
        }
    }
}
