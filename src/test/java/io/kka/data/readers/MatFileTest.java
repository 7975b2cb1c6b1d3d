package io.kka.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link MatFile} against files written like MATLAB's save (see {@link MatV5Writer}). */
class MatFileTest {
    private static final double[] LABELS = {77, 77, 1, 102, 55};
    private static final double[] IDS = {1, 300, 8189};

    private static MatV5Writer sample() {
        return new MatV5Writer().put("labels", LABELS, MatV5Writer.Storage.UINT8)
                .put("trnid", IDS, MatV5Writer.Storage.UINT16)
                .put("x", new double[] {0.5, -2.25}, MatV5Writer.Storage.DOUBLE);
    }

    @Test
    void readsCompressedVariablesOfEveryStorageType() throws Exception {
        Map<String, MatFile.Array> vars = MatFile.read(sample().bytes());
        assertEquals(List.of("labels", "trnid", "x"), List.copyOf(vars.keySet()));
        assertArrayEquals(LABELS, vars.get("labels").values());
        assertArrayEquals(new int[] {1, 5}, vars.get("labels").dims());
        assertArrayEquals(IDS, vars.get("trnid").values());
        assertArrayEquals(new double[] {0.5, -2.25}, vars.get("x").values());
    }

    @Test
    void readsUncompressedAndBigEndianFiles() throws Exception {
        assertArrayEquals(IDS, MatFile.read(sample().uncompressed().bytes()).get("trnid").values());
        assertArrayEquals(LABELS, MatFile.read(sample().bigEndian().bytes()).get("labels").values());
        assertArrayEquals(new double[] {0.5, -2.25},
                MatFile.read(sample().bigEndian().uncompressed().bytes()).get("x").values());
    }

    @Test
    void rejectsTruncatedAndForeignFiles() {
        byte[] ok = sample().bytes();
        MatFile.FormatException cut = assertThrows(MatFile.FormatException.class,
                () -> MatFile.read(Arrays.copyOf(ok, ok.length - 5)));
        assertTrue(cut.getMessage().contains("truncated") || cut.getMessage().contains("corrupt"), cut.getMessage());
        byte[] v73 = Arrays.copyOf("MATLAB 7.3 MAT-file, Platform: GLNXA64".getBytes(StandardCharsets.US_ASCII), 512);
        assertEquals("is a MATLAB v7.3 (HDF5) file; re-save it with save(..., '-v7')",
                assertThrows(MatFile.FormatException.class, () -> MatFile.read(v73)).getMessage());
        assertTrue(assertThrows(MatFile.FormatException.class, () -> MatFile.read(new byte[200])).getMessage()
                .startsWith("not a level-5 MAT file"));
        assertTrue(assertThrows(MatFile.FormatException.class, () -> MatFile.read(new byte[20])).getMessage()
                .startsWith("not a MAT file"));
    }
}
