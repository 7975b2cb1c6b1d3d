package io.kka.data.readers;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A reader of numeric arrays in MATLAB level-5 MAT files (the format of {@code save -v6}/{@code -v7}), enough for
 * Oxford-102's {@code imagelabels.mat} and {@code setid.mat}: real double, single and integer arrays, stored
 * uncompressed or in miCOMPRESSED (zlib) elements, in either byte order. MATLAB stores a double array with a
 * compact storage type when its values allow (e.g. miUINT16), so values are read by storage type, not by class.
 * Cell, struct, char, sparse and object variables are skipped. v7.3 files (HDF5) are rejected with a hint.
 */
final class MatFile {
    private static final int MI_INT8 = 1;
    private static final int MI_UINT8 = 2;
    private static final int MI_INT16 = 3;
    private static final int MI_UINT16 = 4;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_SINGLE = 7;
    private static final int MI_DOUBLE = 9;
    private static final int MI_INT64 = 12;
    private static final int MI_UINT64 = 13;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    /** mxDOUBLE_CLASS .. mxUINT64_CLASS */
    private static final int FIRST_NUMERIC_CLASS = 6;
    private static final int LAST_NUMERIC_CLASS = 15;

    private MatFile() {
    }

    /**
     * A numeric variable.
     *
     * @param dims   dimensions (MATLAB order)
     * @param values real values in column-major order
     */
    record Array(int[] dims, double[] values) {
    }

    /** A file that is not a readable level-5 MAT file; the message names the rule. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /** The most bytes one compressed element may inflate to. */
    static final long MAX_INFLATED = 64L << 20;

    /**
     * @param bytes the whole file
     * @return numeric variables by name, in file order
     * @throws FormatException if the file is not a level-5 MAT file or is truncated/corrupt
     */
    static Map<String, Array> read(byte[] bytes) throws FormatException {
        if (bytes.length < 128) {
            throw new FormatException("not a MAT file (" + bytes.length + " bytes, shorter than the 128-byte header)");
        }
        String text = new String(bytes, 0, 116, StandardCharsets.US_ASCII);
        if (text.startsWith("MATLAB 7.3")) {
            throw new FormatException("is a MATLAB v7.3 (HDF5) file; re-save it with save(..., '-v7')");
        }
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[126] == 'M' && bytes[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new FormatException("not a level-5 MAT file (no MI/IM endian indicator at byte 126)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(order);
        buf.position(128);
        Map<String, Array> out = new LinkedHashMap<>();
        try {
            while (buf.remaining() >= 8) {
                element(buf, order, out);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new FormatException("truncated or corrupt data element at byte " + buf.position());
        }
        return out;
    }

    /** Reads one top-level element (a matrix, possibly compressed) into {@code out}. */
    private static void element(ByteBuffer buf, ByteOrder order, Map<String, Array> out) throws FormatException {
        int type = buf.getInt();
        int size = buf.getInt();
        int start = buf.position();
        if (size < 0 || size > buf.remaining()) {
            throw new FormatException("element at byte " + (start - 8) + " claims " + size + " bytes, "
                    + buf.remaining() + " remain (truncated file)");
        }
        if (type == MI_COMPRESSED) {
            ByteBuffer inner = ByteBuffer.wrap(inflate(buf.array(), start, size)).order(order);
            while (inner.remaining() >= 8) {
                element(inner, order, out);
            }
            buf.position(start + size);
            return;
        }
        if (type == MI_MATRIX && size > 0) {
            matrix(buf.slice(start, size).order(order), out);
        }
        buf.position(start + pad8(size));
    }

    /** Parses an miMATRIX body: flags, dimensions, name, real part. */
    private static void matrix(ByteBuffer m, Map<String, Array> out) throws FormatException {
        double[] flags = sub(m);
        int mxClass = (int) ((long) flags[0] & 0xff);
        int[] dims = toInts(sub(m));
        String name = name(m);
        if (mxClass < FIRST_NUMERIC_CLASS || mxClass > LAST_NUMERIC_CLASS) {
            return;
        }
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new FormatException("variable " + name + " has a negative dimension " + d);
            }
            n = Math.multiplyExact(n, (long) d);
            if (n > m.remaining()) {
                // every value takes at least one byte: refuse before allocating for the declared size
                throw new FormatException("variable " + name + " declares " + java.util.Arrays.toString(dims)
                        + " values, more than the " + m.remaining() + " bytes its element holds");
            }
        }
        double[] values = n == 0 ? new double[0] : sub(m);
        if (values.length != n) {
            throw new FormatException("variable " + name + " holds " + values.length + " values, its dimensions"
                    + " say " + n);
        }
        out.put(name, new Array(dims, values));
    }

    /** Reads one sub-element (normal or small format) as numbers. */
    private static double[] sub(ByteBuffer m) throws FormatException {
        int first = m.getInt();
        int type;
        int size;
        boolean small = (first >>> 16) != 0;
        if (small) {
            type = first & 0xffff;
            size = first >>> 16;
        } else {
            type = first;
            size = m.getInt();
        }
        int start = m.position();
        claim(m, size, "a sub-element");
        double[] v = numbers(m, type, size);
        m.position(start + (small ? 4 : pad8(size)));
        return v;
    }

    private static String name(ByteBuffer m) throws FormatException {
        int first = m.getInt();
        boolean small = (first >>> 16) != 0;
        int size = small ? first >>> 16 : m.getInt();
        claim(m, size, "a variable name");
        byte[] b = new byte[size];
        m.get(b);
        m.position(m.position() + (small ? 4 - size : pad8(size) - size));
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static double[] numbers(ByteBuffer m, int type, int size) throws FormatException {
        int width = switch (type) {
            case MI_INT8, MI_UINT8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw new FormatException("unsupported storage type " + type + " in a numeric array");
        };
        double[] v = new double[size / width];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (type) {
                case MI_INT8 -> m.get();
                case MI_UINT8 -> m.get() & 0xff;
                case MI_INT16 -> m.getShort();
                case MI_UINT16 -> m.getShort() & 0xffff;
                case MI_INT32 -> m.getInt();
                case MI_UINT32 -> m.getInt() & 0xffffffffL;
                case MI_SINGLE -> m.getFloat();
                case MI_DOUBLE -> m.getDouble();
                default -> m.getLong();
            };
        }
        return v;
    }

    private static int[] toInts(double[] d) {
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

    /** Refuses a declared size larger than what is left, before anything is allocated for it. */
    private static void claim(ByteBuffer m, int size, String what) throws FormatException {
        if (size < 0 || size > m.remaining()) {
            throw new FormatException(what + " at byte " + m.position() + " claims " + (size & 0xffffffffL)
                    + " bytes, " + m.remaining() + " remain (truncated or hostile file)");
        }
    }

    private static byte[] inflate(byte[] data, int off, int len) throws FormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, off, len);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(MAX_INFLATED, len * 4L));
            byte[] chunk = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(chunk);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new FormatException("truncated compressed element");
                }
                if (out.size() + (long) n > MAX_INFLATED) {
                    throw new FormatException("a compressed element inflates past " + (MAX_INFLATED >> 20)
                            + " MiB (a decompression bomb; the label and split files this reader is for are a few"
                            + " KB)");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new FormatException("corrupt compressed element (" + e.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    private static int pad8(int size) {
        return (size + 7) & ~7;
    }
}
