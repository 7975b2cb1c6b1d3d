package io.kka.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.config.DataConfig;
import io.kka.data.readers.FashionMnistReader;
import io.kka.testing.Fixtures;
import io.kka.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FashionMnistReader}. */
class FashionMnistReaderTest {

    private static DataConfig at(Path dir) {
        DataConfig d = DataConfig.defaults();
        return new DataConfig(d.dataset(), dir.toString(), null, 28, 1, true, true, d.captions(), d.classLevel(),
                d.onBadRecord(), 0, d.extensions(), DataConfig.DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    @Test
    void readsGzippedIdxOnExecutors(@TempDir Path dir) throws Exception {
        Fixtures.fashionMnist(dir, 3, 1);
        List<Row> rows = new FashionMnistReader(at(dir)).read(SparkTestSession.get())
                .orderBy("source").collectAsList();
        assertEquals(60, rows.size());
        long test = rows.stream().filter(r -> "test".equals(r.getString(3))).count();
        assertEquals(30, test);
        Row first = rows.stream().filter(r -> r.getString(0).endsWith("train-images-idx3-ubyte.gz#0")).findFirst()
                .orElseThrow();
        assertEquals("T-shirt/top", first.getString(1));
        assertTrue(first.getList(2).get(0).toString().matches("a .*t-shirt( with (short|long) sleeves)?"),
                first.getList(2).toString());
    }

    @Test
    void wrongMagicNumberIsNamed(@TempDir Path dir) throws Exception {
        Fixtures.fashionMnist(dir, 1, 1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x801);
        out.writeInt(10);
        Fixtures.gzip(dir.resolve("train-images-idx3-ubyte.gz"), b.toByteArray());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new FashionMnistReader(at(dir)).read(SparkTestSession.get()));
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": wrong magic number 0x00000801, expected"
                + " 0x00000803 (not an IDX image file)", e.getMessage());
    }

    @Test
    void aHeaderDeclaringMoreItemsThanTheFileHoldsIsRefusedBeforeAnyTask(@TempDir Path dir) throws Exception {
        Fixtures.fashionMnist(dir, 1, 1);
        // 2^31 - 1 images declared in a 24-byte file: planning its chunks alone would exhaust the driver
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x803);
        out.writeInt(Integer.MAX_VALUE);
        out.writeInt(28);
        out.writeInt(28);
        out.write(new byte[8]);
        Fixtures.gzip(dir.resolve("train-images-idx3-ubyte.gz"), b.toByteArray());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new FashionMnistReader(at(dir)).read(SparkTestSession.get()));
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": the header declares 2147483647 items"
                + " (1683627179264 bytes) but the file holds 24 bytes uncompressed (truncated or hostile)",
                e.getMessage());
        // the same for an uncompressed label file one record short
        Path plain = dir.resolve("plain");
        Fixtures.fashionMnist(plain, 1, 1);
        Path gz = plain.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] labels;
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            labels = in.readAllBytes();
        }
        Files.delete(gz);
        Files.write(plain.resolve("t10k-labels-idx1-ubyte"), java.util.Arrays.copyOf(labels, labels.length - 1));
        e = assertThrows(InvalidInputException.class,
                () -> new FashionMnistReader(at(plain)).read(SparkTestSession.get()));
        assertTrue(e.getMessage().startsWith(plain.resolve("t10k-labels-idx1-ubyte") + ": the header declares 10"
                + " items (18 bytes) but the file holds 17 bytes (truncated"), e.getMessage());
    }

    @Test
    void missingPathIsNamed(@TempDir Path dir) {
        Path nope = dir.resolve("nope");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new FashionMnistReader(at(nope)).read(SparkTestSession.get()));
        assertTrue(e.getMessage().startsWith("data.path " + nope + " does not exist"), e.getMessage());
        assertTrue(Files.notExists(nope));
    }

    @Test
    void syntheticCaptionSaysWhatThePixelsShow() {
        byte[] px = new byte[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 7; x <= 20; x++) {
                px[y * 28 + x] = (byte) 240; // a bright, plain column 14 pixels wide
            }
        }
        assertEquals("a bright wide plain trouser", FashionMnistReader.caption(px, "Trouser"));
        assertEquals("a dark plain dress", FashionMnistReader.caption(scaled(px, 40.0 / 240), "Dress"));
        assertEquals("a grey slim plain coat with long sleeves", FashionMnistReader.caption(scaled(px, 0.5),
                "Coat"));
        // a top whose outer columns are lit only near the shoulders: short sleeves
        byte[] top = new byte[784];
        for (int y = 2; y < 26; y++) {
            for (int x = 4; x <= 24; x++) {
                boolean sleeve = x < 9 || x > 19;
                if (!sleeve || y < 9) {
                    top[y * 28 + x] = (byte) (120 + (y % 2) * 60); // striped rows: patterned
                }
            }
        }
        assertEquals("a grey patterned t-shirt with short sleeves", FashionMnistReader.caption(top, "T-shirt/top"));
        assertEquals("a t-shirt", FashionMnistReader.caption(new byte[784], "T-shirt/top"));
    }

    private static byte[] scaled(byte[] px, double f) {
        byte[] out = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (byte) Math.round((px[i] & 0xff) * f);
        }
        return out;
    }
}
