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
                d.onBadRecord(), 0, d.extensions());
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
        assertTrue(first.getList(2).get(0).toString().endsWith("t-shirt"));
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
    void missingPathIsNamed(@TempDir Path dir) {
        Path nope = dir.resolve("nope");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new FashionMnistReader(at(nope)).read(SparkTestSession.get()));
        assertTrue(e.getMessage().startsWith("data.path " + nope + " does not exist"), e.getMessage());
        assertTrue(Files.notExists(nope));
    }

    @Test
    void syntheticCaptionUsesToneAndClass() {
        byte[] px = new byte[784];
        java.util.Arrays.fill(px, 0, 200, (byte) 240);
        assertEquals("a bright trouser", FashionMnistReader.caption(px, "Trouser"));
        java.util.Arrays.fill(px, 0, 200, (byte) 40);
        assertEquals("a dark t-shirt", FashionMnistReader.caption(px, "T-shirt/top"));
    }
}
