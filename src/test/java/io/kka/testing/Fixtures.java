package io.kka.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writers of tiny datasets in their exact published formats, for tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * Writes a tiny Fashion-MNIST: {@code perClass} images of each of the 10 classes in train and test, as gzipped
     * IDX files. Class k's images have a bright rectangle whose size depends on k, plus seeded noise.
     *
     * @param dir      target directory
     * @param perClass images per class and split
     * @param seed     noise seed
     * @return dir
     */
    public static Path fashionMnist(Path dir, int perClass, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        for (String part : new String[] {"train", "t10k"}) {
            int n = perClass * 10;
            ByteArrayOutputStream images = new ByteArrayOutputStream();
            ByteArrayOutputStream labels = new ByteArrayOutputStream();
            DataOutputStream im = new DataOutputStream(images);
            DataOutputStream lb = new DataOutputStream(labels);
            im.writeInt(0x803);
            im.writeInt(n);
            im.writeInt(28);
            im.writeInt(28);
            lb.writeInt(0x801);
            lb.writeInt(n);
            for (int i = 0; i < n; i++) {
                int k = i % 10;
                lb.writeByte(k);
                im.write(garment(k, rnd));
            }
            gzip(dir.resolve(part + "-images-idx3-ubyte.gz"), images.toByteArray());
            gzip(dir.resolve(part + "-labels-idx1-ubyte.gz"), labels.toByteArray());
        }
        return dir;
    }

    /** where Debian's dataset-fashion-mnist installs the real files (.ci/run installs the package) */
    public static final Path REAL_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * Writes a small subset of the real Fashion-MNIST in its own format: the first {@code perClassTrain} training and
     * {@code perClassTest} test images of every class, in file order.
     *
     * @param dir           target directory
     * @param perClassTrain training images per class
     * @param perClassTest  test images per class
     * @return dir
     * @throws IOException if the real files cannot be read (install dataset-fashion-mnist)
     */
    public static Path fashionMnistSubset(Path dir, int perClassTrain, int perClassTest) throws IOException {
        Files.createDirectories(dir);
        subset(REAL_FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"), REAL_FASHION_MNIST.resolve(
                "train-labels-idx1-ubyte.gz"), perClassTrain, dir, "train");
        subset(REAL_FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"), REAL_FASHION_MNIST.resolve(
                "t10k-labels-idx1-ubyte.gz"), perClassTest, dir, "t10k");
        return dir;
    }

    private static void subset(Path images, Path labels, int perClass, Path dir, String part) throws IOException {
        byte[] px;
        byte[] lb;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(images))) {
            px = in.readAllBytes();
        }
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(labels))) {
            lb = in.readAllBytes();
        }
        int[] taken = new int[10];
        ByteArrayOutputStream outImages = new ByteArrayOutputStream();
        ByteArrayOutputStream outLabels = new ByteArrayOutputStream();
        int n = 0;
        for (int i = 0; i + 8 < lb.length && n < 10 * perClass; i++) {
            int k = lb[8 + i];
            if (taken[k] < perClass) {
                taken[k]++;
                n++;
                outLabels.write(k);
                outImages.write(px, 16 + i * 784, 784);
            }
        }
        ByteArrayOutputStream im = new ByteArrayOutputStream();
        DataOutputStream imh = new DataOutputStream(im);
        imh.writeInt(0x803);
        imh.writeInt(n);
        imh.writeInt(28);
        imh.writeInt(28);
        im.write(outImages.toByteArray());
        ByteArrayOutputStream la = new ByteArrayOutputStream();
        DataOutputStream lah = new DataOutputStream(la);
        lah.writeInt(0x801);
        lah.writeInt(n);
        la.write(outLabels.toByteArray());
        gzip(dir.resolve(part + "-images-idx3-ubyte.gz"), im.toByteArray());
        gzip(dir.resolve(part + "-labels-idx1-ubyte.gz"), la.toByteArray());
    }

    /** @return 784 pixels: a rectangle of class-dependent shape plus noise */
    public static byte[] garment(int k, Random rnd) {
        byte[] px = new byte[784];
        int w = 6 + 2 * k;
        int h = 24 - 2 * (k % 5);
        int x0 = (28 - w) / 2;
        int y0 = (28 - h) / 2;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean on = x >= x0 && x < x0 + Math.min(w, 28) && y >= y0 && y < y0 + h;
                int v = on ? 150 + 8 * k + rnd.nextInt(20) : rnd.nextInt(8);
                px[y * 28 + x] = (byte) Math.min(255, v);
            }
        }
        return px;
    }

    /** Writes gzipped bytes. */
    public static void gzip(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }
}
