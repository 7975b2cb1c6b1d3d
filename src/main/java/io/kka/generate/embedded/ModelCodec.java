package io.kka.generate.embedded;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte format of an embedded language model: magic "KKLM", format version, provenance text, embedding
 * width, vocabulary (UTF strings in id order), parameters (IEEE doubles). Big-endian (DataOutput).
 */
final class ModelCodec {
    private static final int MAGIC = 0x4B4B4C4D;
    private static final int VERSION = 1;

    private ModelCodec() {
    }

    static byte[] write(EmbeddedLanguageModel m, Vocabulary vocab, int dim, double[] theta) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + theta.length * 8 + vocab.size() * 12);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(m.provenance());
            out.writeInt(dim);
            out.writeInt(vocab.size());
            for (String w : vocab.words()) {
                out.writeUTF(w);
            }
            out.writeInt(theta.length);
            for (double x : theta) {
                out.writeDouble(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static EmbeddedLanguageModel read(byte[] bytes, String source) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (bytes.length < 8 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException(source + ": not an embedded language model (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(source + ": unsupported model format version " + version
                        + " (this build reads " + VERSION + ")");
            }
            String provenance = in.readUTF();
            int dim = in.readInt();
            int v = in.readInt();
            List<String> words = new ArrayList<>(v);
            for (int i = 0; i < v; i++) {
                words.add(in.readUTF());
            }
            int n = in.readInt();
            LmNet net = new LmNet(v, dim);
            if (n != net.size) {
                throw new IllegalArgumentException(source + ": holds " + n + " parameters, expected " + net.size);
            }
            double[] theta = new double[n];
            for (int i = 0; i < n; i++) {
                theta[i] = in.readDouble();
            }
            return new EmbeddedLanguageModel(Vocabulary.of(words), dim, theta, provenance);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": truncated embedded language model (" + e + ")");
        }
    }
}
