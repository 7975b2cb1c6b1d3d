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

    /** A little-endian level-5 file with one double matrix whose dims and real-part size are as given. */
    private static byte[] hostile(int rows, int cols, int declaredRealBytes) {
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        body.putInt(6).putInt(8).putInt(6).putInt(0);             // array flags: mxDOUBLE_CLASS
        body.putInt(5).putInt(8).putInt(rows).putInt(cols);       // dimensions
        body.putInt(1 << 16 | 1).put((byte) 'x').put(new byte[3]); // name "x" (small element)
        body.putInt(9).putInt(declaredRealBytes).putDouble(1.0);  // real part: miDOUBLE, one value present
        return file(14, java.util.Arrays.copyOf(body.array(), body.position()));
    }

    private static byte[] file(int type, byte[] element) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(128 + 8 + element.length + 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] text = "MATLAB 5.0 MAT-file, hostile test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(text).put(new byte[124 - text.length]).putShort((short) 0x0100).put((byte) 'I').put((byte) 'M');
        b.putInt(type).putInt(element.length).put(element);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void declaredSizesBeyondTheFileAreRefusedBeforeAllocating() throws Exception {
        assertArrayEquals(new double[] {1.0}, MatFile.read(hostile(1, 1, 8)).get("x").values(), "the fixture is valid");
        String big = assertThrows(MatFile.FormatException.class, () -> MatFile.read(hostile(1, 1, 0x7ffffff8)))
                .getMessage();
        assertTrue(big.matches("a sub-element at byte \\d+ claims 2147483640 bytes, 8 remain \\(truncated or hostile"
                + " file\\)"), big);
        String dims = assertThrows(MatFile.FormatException.class, () -> MatFile.read(hostile(1, 1 << 30, 8)))
                .getMessage();
        assertTrue(dims.startsWith("variable x declares [1, 1073741824] values, more than the "), dims);
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(new byte[(int) MatFile.MAX_INFLATED + (1 << 20)]);
        d.finish();
        byte[] buf = new byte[1 << 20];
        int n = d.deflate(buf);
        d.end();
        String bomb = assertThrows(MatFile.FormatException.class,
                () -> MatFile.read(file(15, java.util.Arrays.copyOf(buf, n)))).getMessage();
        assertTrue(bomb.startsWith("a compressed element inflates past 64 MiB"), bomb);
    }
}
