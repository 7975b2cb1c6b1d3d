package io.kka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.DataConfig;
import io.kka.data.BadRecordException;
import io.kka.data.ImageCodec;
import io.kka.data.InvalidInputException;
import io.kka.data.readers.FashionMnistReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Fashion-MNIST corpus of {@code base × factor} PNG files on local disk, written by a Spark job, as a user's image
 * folder would be: {@code root/train|test/<class>/v<variant>/<index>.png}, the folder layout of
 * {@link io.kka.data.readers.FolderReader}. Variant 0 is the original image; variant v &gt; 0 is a seeded
 * augmentation of it: a shift of up to 3 pixels each way, a horizontal flip with probability 1/2 and Gaussian
 * noise (σ = 8 grey levels), drawn from (seed, image, variant) alone, so a corpus is the same whatever the number
 * of tasks. The base is the first {@code 6/7 × base} training images and {@code base / 7} test images of
 * Fashion-MNIST (all 70,000 for base 70,000).
 *
 * <p>Captions: {@value #CAPTIONS} at the root names every file with its original's synthetic Fashion-MNIST
 * caption (the folder reader's {@code data.captions_file}), written by the same tasks and joined at the end.
 *
 * <p>A finished corpus holds {@value #MARKER} (hidden from the folder reader) with its base, factor, seed and
 * image count; a later call with the same figures reuses it. A corpus is written under a temporary name and
 * renamed when complete.
 */
final class ScaleCorpus {
    /** the captions file at the corpus root (JSONL, one line per image: Fashion-MNIST's synthetic caption) */
    static final String CAPTIONS = "captions.jsonl";
    /** per-task caption parts, hidden from the folder reader, joined into {@link #CAPTIONS} at the end */
    private static final String PARTS = "_captions";
    /** the marker file of a finished corpus */
    static final String MARKER = "_corpus.json";
    /** version of the layout, in the marker: a corpus of another version is rebuilt */
    static final int LAYOUT = 2;
    /** images in Fashion-MNIST */
    static final int FULL = 70_000;
    private static final int TRAIN = 60_000;
    private static final int SIDE = 28;

    private ScaleCorpus() {
    }

    /**
     * Builds the corpus unless a finished one with the same figures is there.
     *
     * @param spark  the session (its executors write the files: the folder must be on a disk they share)
     * @param mnist  directory of the Fashion-MNIST IDX files
     * @param root   the corpus folder
     * @param base   images of the 1× corpus (1..70,000)
     * @param factor copies of each (1 = originals only)
     * @param seed   augmentation seed
     * @return the number of images in the corpus
     */
    static long build(SparkSession spark, String mnist, Path root, int base, int factor, long seed) {
        if (base < 7 || base > FULL || factor < 1) {
            throw new InvalidInputException("base must be 7.." + FULL + " and the factor >= 1, found base " + base
                    + ", factor " + factor);
        }
        Map<String, Object> want = figures(base, factor, seed);
        Long cached = cached(root, want);
        if (cached != null) {
            return cached;
        }
        Path tmp = root.resolveSibling("." + root.getFileName() + ".tmp");
        try {
            deleteTree(tmp);
            deleteTree(root);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int trainBase = (int) Math.round((double) base * TRAIN / FULL);
        int testBase = base - trainBase;
        String out = tmp.toString();
        DataConfig d = DataConfig.defaults();
        DataConfig data = new DataConfig(DataConfig.DatasetKind.FASHION_MNIST, mnist, null, SIDE, 1, false, false,
                DataConfig.CaptionPolicy.OPTIONAL, d.classLevel(), DataConfig.BadRecordPolicy.FAIL, 0, d.extensions(),
                d.maxImagePixels(), List.of());
        JavaRDD<Row> raw = new FashionMnistReader(data).read(spark).javaRDD()
                .filter(r -> index(r.getString(0)) < ("test".equals(r.getString(3)) ? testBase : trainBase));
        int parts = Math.max(2, spark.sparkContext().defaultParallelism() * 4);
        long written = raw.repartition(parts).mapPartitions(rows -> write(rows, out, factor, seed))
                .reduce(Long::sum);
        if (written != (long) base * factor) {
            throw new IllegalStateException("wrote " + written + " images, expected " + (long) base * factor);
        }
        want.put("images", written);
        try {
            concatenate(tmp.resolve(PARTS), tmp.resolve(CAPTIONS));
            Files.writeString(tmp.resolve(MARKER), new ObjectMapper().writeValueAsString(want));
            Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** @return what the marker of a corpus records besides its image count */
    static Map<String, Object> figures(int base, int factor, long seed) {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("layout", LAYOUT);
        want.put("base", base);
        want.put("factor", factor);
        want.put("seed", seed);
        return want;
    }

    /** @return the image count of a finished corpus with these figures, or null */
    static Long cached(Path root, Map<String, Object> want) {
        Path m = root.resolve(MARKER);
        if (!Files.isRegularFile(m)) {
            return null;
        }
        try {
            JsonNode n = new ObjectMapper().readTree(m.toFile());
            for (Map.Entry<String, Object> e : want.entrySet()) {
                if (!n.path(e.getKey()).asText().equals(String.valueOf(e.getValue()))) {
                    return null;
                }
            }
            return n.path("images").asLong();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the record index in "fashion-mnist:train-images-idx3-ubyte.gz#123" */
    static int index(String source) {
        return Integer.parseInt(source.substring(source.lastIndexOf('#') + 1));
    }

    /** @return the folder name of a class ("T-shirt/top" becomes "T-shirt_top") */
    static String folder(String cls) {
        return cls.replaceAll("[^A-Za-z0-9-]+", "_");
    }

    /** Executor side: writes every variant of each row of one partition; returns the count. */
    private static Iterator<Long> write(Iterator<Row> rows, String out, int factor, long seed) throws IOException {
        long n = 0;
        List<Path> made = new ArrayList<>();
        Path parts = Path.of(out, PARTS);
        Files.createDirectories(parts);
        ObjectMapper json = new ObjectMapper();
        try (var captions = Files.newBufferedWriter(parts.resolve("part-" + TaskContext.getPartitionId()
                + ".jsonl"))) {
            while (rows.hasNext()) {
                Row r = rows.next();
                String split = r.getString(3);
                String cls = folder(r.getString(1));
                int index = index(r.getString(0));
                byte[] pixels;
                try {
                    pixels = ImageCodec.pixels(ImageCodec.decode((byte[]) r.get(4), r.getString(0)));
                } catch (BadRecordException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                String stem = (split.equals("test") ? "t" : "") + index;
                for (int v = 0; v < factor; v++) {
                    Path dir = Path.of(out, split, cls, "v" + v);
                    if (!made.contains(dir)) {
                        Files.createDirectories(dir);
                        made.add(dir);
                    }
                    byte[] px = v == 0 ? pixels : augment(pixels, new SplittableRandom(mix(seed, split, index, v)));
                    Files.write(dir.resolve(stem + ".png"), ImageCodec.png(ImageCodec.fromPixels(px, SIDE, SIDE, 1)));
                    if (!r.isNullAt(2) && !r.getList(2).isEmpty()) {
                        Map<String, String> line = new LinkedHashMap<>();
                        line.put("file", split + "/" + cls + "/v" + v + "/" + stem + ".png");
                        line.put("caption", String.valueOf(r.getList(2).get(0)));
                        captions.write(json.writeValueAsString(line));
                        captions.newLine();
                    }
                    n++;
                }
            }
        }
        return List.of(n).iterator();
    }

    /** @return a seed drawn from the figures alone */
    static long mix(long seed, String split, int index, int variant) {
        long h = seed * 0x9E3779B97F4A7C15L + split.hashCode();
        h = h * 0xBF58476D1CE4E5B9L + index;
        h = h * 0x94D049BB133111EBL + variant;
        return h ^ (h >>> 31);
    }

    /**
     * @param pixels 28×28 grey pixels, row-major
     * @param rnd    the variant's draws
     * @return a shifted, maybe mirrored, noisy copy (pixels shifted in from outside are 0, Fashion-MNIST's
     *         background)
     */
    static byte[] augment(byte[] pixels, SplittableRandom rnd) {
        int dx = rnd.nextInt(-3, 4);
        int dy = rnd.nextInt(-3, 4);
        boolean flip = rnd.nextBoolean();
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int sx = (flip ? SIDE - 1 - x : x) - dx;
                int sy = y - dy;
                int v = sx < 0 || sy < 0 || sx >= SIDE || sy >= SIDE ? 0 : pixels[sy * SIDE + sx] & 0xff;
                double noisy = v + 8.0 * gaussian(rnd);
                out[y * SIDE + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(noisy)));
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * rnd.nextDouble());
    }

    /** Joins the part files into one, streaming, and deletes them. */
    private static void concatenate(Path parts, Path target) throws IOException {
        try (var out = Files.newOutputStream(target); var list = Files.list(parts)) {
            for (Path p : list.sorted().toList()) {
                Files.copy(p, out);
            }
        }
        deleteTree(parts);
    }

    /** Deletes a folder tree if it exists. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
