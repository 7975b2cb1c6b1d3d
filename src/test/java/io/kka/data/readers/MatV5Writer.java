package io.kka.data.readers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Writes MATLAB level-5 MAT files the way MATLAB's {@code save} does, for test fixtures: a 128-byte header, then
 * one miMATRIX element per variable (class double, real, 1×N), optionally wrapped in an miCOMPRESSED (zlib)
 * element, with the values stored in a compact integer type when they allow, as MATLAB does.
 */
public final class MatV5Writer {
    /** how to store the values of a double array */
    public enum Storage {
        /** miDOUBLE, 8 bytes each */
        DOUBLE(9, 8),
        /** miUINT8 */
        UINT8(2, 1),
        /** miUINT16 */
        UINT16(4, 2);

        final int type;
        final int width;

        Storage(int type, int width) {
            this.type = type;
            this.width = width;
        }
    }

    private final Map<String, double[]> vars = new LinkedHashMap<>();
    private final Map<String, Storage> storage = new LinkedHashMap<>();
    private boolean compressed = true;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** @return this writer, adding a 1×N double variable */
    public MatV5Writer put(String name, double[] values, Storage how) {
        vars.put(name, values);
        storage.put(name, how);
        return this;
    }

    /** @return this writer, writing uncompressed elements (MATLAB -v6) */
    public MatV5Writer uncompressed() {
        compressed = false;
        return this;
    }

    /** @return this writer, writing a big-endian file */
    public MatV5Writer bigEndian() {
        order = ByteOrder.BIG_ENDIAN;
        return this;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        Files.write(file, bytes());
    }

    /** @return the file's bytes */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] text = Arrays.copyOf(("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024")
                .getBytes(StandardCharsets.US_ASCII), 116);
        for (int i = 0; i < text.length; i++) {
            text[i] = text[i] == 0 ? (byte) ' ' : text[i];
        }
        out.writeBytes(text);
        out.writeBytes(new byte[8]);
        ByteBuffer tail = ByteBuffer.allocate(4).order(order);
        tail.putShort((short) 0x0100);
        tail.putShort((short) (('M' << 8) | 'I'));
        out.writeBytes(tail.array());
        for (Map.Entry<String, double[]> v : vars.entrySet()) {
            byte[] matrix = matrix(v.getKey(), v.getValue(), storage.get(v.getKey()));
            out.writeBytes(compressed ? compressed(matrix) : matrix);
        }
        return out.toByteArray();
    }

    private byte[] compressed(byte[] element) {
        Deflater d = new Deflater();
        d.setInput(element);
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        ByteBuffer tag = ByteBuffer.allocate(8).order(order).putInt(15).putInt(z.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tag.array());
        out.writeBytes(z.toByteArray());
        return out.toByteArray();
    }

    private byte[] matrix(String name, double[] values, Storage how) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(element(6, ByteBuffer.allocate(8).order(order).putInt(6).putInt(0).array()));
        body.writeBytes(element(5, ByteBuffer.allocate(8).order(order).putInt(1).putInt(values.length).array()));
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length <= 4) {
            ByteBuffer small = ByteBuffer.allocate(8).order(order).putInt((n.length << 16) | 1);
            small.put(n);
            body.writeBytes(small.array());
        } else {
            body.writeBytes(element(1, n));
        }
        ByteBuffer data = ByteBuffer.allocate(values.length * how.width).order(order);
        for (double v : values) {
            switch (how) {
                case DOUBLE -> data.putDouble(v);
                case UINT8 -> data.put((byte) v);
                default -> data.putShort((short) v);
            }
        }
        body.writeBytes(element(how.type, data.array()));
        return element(14, body.toByteArray());
    }

    /** @return a tagged element padded to 8 bytes */
    private byte[] element(int type, byte[] data) {
        int padded = (data.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(order).putInt(type).putInt(data.length);
        b.put(data);
        return b.array();
    }
}
