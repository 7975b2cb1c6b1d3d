package io.kka.data.readers;

import io.kka.config.DataConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writers of tiny datasets in their exact published layouts, and configs pointing at them, for reader tests. */
public final class DatasetFixtures {
    /** CIFAR-100 fine class names in label order (as in fine_label_names.txt) */
    public static final List<String> CIFAR_FINE = List.of("apple", "aquarium_fish", "baby", "bear", "beaver", "bed",
            "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can",
            "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm");
    /** CIFAR-100 superclass names in label order (as in coarse_label_names.txt) */
    public static final List<String> CIFAR_COARSE = List.of("aquatic_mammals", "fish", "flowers", "food_containers",
            "fruit_and_vegetables", "household_electrical_devices", "household_furniture", "insects",
            "large_carnivores", "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
            "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people", "reptiles",
            "small_mammals", "trees", "vehicles_1", "vehicles_2");
    /** the superclass of fine classes 0..4 (apple, aquarium_fish, baby, bear, beaver) */
    public static final int[] CIFAR_COARSE_OF_FIRST5 = {4, 1, 14, 8, 0};

    private DatasetFixtures() {
    }

    /** @return a config for {@code kind} at {@code path}: 28×28 grey, resize and convert on, captions optional */
    public static DataConfig config(DataConfig.DatasetKind kind, Path path, String... allowedImageRoots) {
        DataConfig d = DataConfig.defaults();
        return new DataConfig(kind, path.toString(), null, 28, 1, true, true, DataConfig.CaptionPolicy.OPTIONAL,
                DataConfig.ClassLevel.FINE, DataConfig.BadRecordPolicy.FAIL, 0, d.extensions(),
                DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of(allowedImageRoots));
    }

    /** @return an image whose pixels depend on the seed */
    public static BufferedImage image(int w, int h, int channels, long seed) {
        BufferedImage img = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    /** @return the image encoded as png, jpg, bmp or tif */
    public static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file, creating parent folders. */
    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Writes a UTF-8 text file, creating parent folders. */
    public static Path write(Path file, String text) throws IOException {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code root/cifar-100-binary/}: the two label-name files and train.bin / test.bin with
     * {@code perClass} records of each of fine classes 0..4 (train) and {@code perClass / 2 + 1} (test).
     *
     * @return the cifar-100-binary folder
     */
    public static Path cifar100(Path root, int perClass) throws IOException {
        Path dir = root.resolve("cifar-100-binary");
        write(dir.resolve("fine_label_names.txt"), String.join("\n", CIFAR_FINE) + "\n\n");
        write(dir.resolve("coarse_label_names.txt"), String.join("\n", CIFAR_COARSE) + "\n\n");
        Random r = new Random(100);
        for (String[] part : new String[][] {{"train.bin", String.valueOf(perClass)},
            {"test.bin", String.valueOf(perClass / 2 + 1)}}) {
            int n = Integer.parseInt(part[1]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < n * 5; i++) {
                int fine = i % 5;
                out.write(CIFAR_COARSE_OF_FIRST5[fine]);
                out.write(fine);
                byte[] px = new byte[3072];
                r.nextBytes(px);
                px[0] = (byte) (40 * fine);
                out.writeBytes(px);
            }
            write(dir.resolve(part[0]), out.toByteArray());
        }
        return dir;
    }

    /**
     * Writes the Oxford-102 layout: {@code jpg/image_NNNNN.jpg}, {@code imagelabels.mat} (labels as class double
     * stored as miUINT8, as MATLAB does), {@code setid.mat} (trnid/valid/tstid stored as miUINT16) and
     * {@code text_c10/class_CCCCC/image_NNNNN.txt} with 10 captions each.
     *
     * @param root       target folder
     * @param labels     1-based class of image 1, 2, …
     * @param split      "train", "val" or "test" of image 1, 2, …
     * @param compressed miCOMPRESSED elements (MATLAB -v7) or plain (-v6)
     * @return root
     */
    public static Path oxford102(Path root, int[] labels, String[] split, boolean compressed) throws IOException {
        double[] lab = new double[labels.length];
        java.util.List<Double> trn = new java.util.ArrayList<>();
        java.util.List<Double> val = new java.util.ArrayList<>();
        java.util.List<Double> tst = new java.util.ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            int n = i + 1;
            lab[i] = labels[i];
            (split[i].equals("train") ? trn : split[i].equals("val") ? val : tst).add((double) n);
            write(root.resolve(String.format("jpg/image_%05d.jpg", n)), encode(image(40, 30, 3, n), "jpg"));
            StringBuilder caps = new StringBuilder();
            for (int k = 1; k <= 10; k++) {
                caps.append("flower ").append(n).append(" of class ").append(labels[i]).append(", caption ")
                        .append(k).append("\n");
            }
            write(root.resolve(String.format("text_c10/class_%05d/image_%05d.txt", labels[i], n)), caps.toString());
        }
        MatV5Writer labelsMat = new MatV5Writer().put("labels", lab, MatV5Writer.Storage.UINT8);
        MatV5Writer setid = new MatV5Writer()
                .put("trnid", trn.stream().mapToDouble(Double::doubleValue).toArray(), MatV5Writer.Storage.UINT16)
                .put("valid", val.stream().mapToDouble(Double::doubleValue).toArray(), MatV5Writer.Storage.UINT16)
                .put("tstid", tst.stream().mapToDouble(Double::doubleValue).toArray(), MatV5Writer.Storage.UINT16);
        if (!compressed) {
            labelsMat.uncompressed();
            setid.uncompressed();
        }
        labelsMat.write(root.resolve("imagelabels.mat"));
        setid.write(root.resolve("setid.mat"));
        return root;
    }

    /**
     * Writes the UCM-Captions layout: {@code imgs/<n>.tif} (RGB TIFF, 32×32) and {@code dataset.json} with two
     * sentences per image.
     *
     * @param root    target folder
     * @param numbers image numbers (1..2100; class = (n - 1) / 100)
     * @param split   split of each image
     * @return root
     */
    public static Path ucm(Path root, int[] numbers, String[] split) throws IOException {
        StringBuilder json = new StringBuilder("{\"images\": [");
        for (int i = 0; i < numbers.length; i++) {
            int n = numbers[i];
            write(root.resolve("imgs/" + n + ".tif"), encode(image(32, 32, 3, n), "tif"));
            json.append(i == 0 ? "" : ", ").append("{\"filename\": \"").append(n).append(".tif\", \"imgid\": ")
                    .append(n - 1).append(", \"sentences\": [");
            for (int k = 0; k < 2; k++) {
                json.append(k == 0 ? "" : ", ").append("{\"tokens\": [\"scene\"], \"raw\": \"scene ").append(n)
                        .append(" sentence ").append(k).append(" .\", \"imgid\": ").append(n - 1)
                        .append(", \"sentid\": ").append(5 * (n - 1) + k).append("}");
            }
            json.append("], \"split\": \"").append(split[i]).append("\", \"sentids\": []}");
        }
        json.append("], \"dataset\": \"ucm\"}");
        write(root.resolve("dataset.json"), json.toString());
        return root;
    }
}
