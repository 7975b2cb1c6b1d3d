package io.kka.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Copies the first records of the installed Fashion-MNIST IDX files into a smaller set in the same format. */
final class FashionMnistSubset {
    private FashionMnistSubset() {
    }

    /**
     * @param from  folder with {part}-images-idx3-ubyte.gz and {part}-labels-idx1-ubyte.gz
     * @param to    target folder
     * @param part  "train" or "t10k"
     * @param count records to keep
     * @return the labels of the kept records
     */
    static int[] copy(Path from, Path to, String part, int count) throws IOException {
        Files.createDirectories(to);
        int[] labels = new int[count];
        try (DataInputStream in = open(from.resolve(part + "-labels-idx1-ubyte.gz"));
             DataOutputStream out = create(to.resolve(part + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(in.readInt());
            in.readInt();
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                labels[i] = in.readUnsignedByte();
                out.writeByte(labels[i]);
            }
        }
        try (DataInputStream in = open(from.resolve(part + "-images-idx3-ubyte.gz"));
             DataOutputStream out = create(to.resolve(part + "-images-idx3-ubyte.gz"))) {
            out.writeInt(in.readInt());
            in.readInt();
            out.writeInt(count);
            int rows = in.readInt();
            int cols = in.readInt();
            out.writeInt(rows);
            out.writeInt(cols);
            byte[] px = new byte[count * rows * cols];
            in.readFully(px);
            out.write(px);
        }
        return labels;
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream raw = Files.newInputStream(p);
        return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    }

    private static DataOutputStream create(Path p) throws IOException {
        OutputStream raw = Files.newOutputStream(p);
        return new DataOutputStream(new GZIPOutputStream(raw, 1 << 16));
    }
}
