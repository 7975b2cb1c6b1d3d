package io.kka.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names for exported images, derived from the sample id alone so that the manifest line and the file written
 * by an executor always agree.
 *
 * <p>A sample id is normally 32 lowercase hex characters (data-schemas/samples.schema.json) and is used as it is. Any
 * other id (uppercase, path separators, dots, spaces, over {@value #MAX} characters) is lowercased, every character
 * outside {@code [0-9a-z_-]} becomes {@code _}, it is cut to {@value #MAX} characters and gets {@code -} plus the
 * first 8 hex characters of the SHA-256 of the original id: so no name holds a path separator or starts with a dot,
 * names differing only in case cannot clash on case-insensitive file systems, and two ids that sanitise alike still
 * get two names.
 */
public final class FileNames {
    /** the most characters kept from a sanitised id */
    public static final int MAX = 64;
    private static final Pattern SAFE = Pattern.compile("[0-9a-z_-]{1," + MAX + "}");
    private static final Pattern UNSAFE_CHAR = Pattern.compile("[^0-9a-z_-]");

    private FileNames() {
    }

    /**
     * @param sampleId a sample id (not null)
     * @return a safe file name stem (no extension)
     */
    public static String safe(String sampleId) {
        if (SAFE.matcher(sampleId).matches()) {
            return sampleId;
        }
        String s = UNSAFE_CHAR.matcher(sampleId.toLowerCase(Locale.ROOT)).replaceAll("_");
        if (s.length() > MAX) {
            s = s.substring(0, MAX);
        }
        return s + "-" + sha256(sampleId).substring(0, 8);
    }

    /**
     * @param sampleId a sample id
     * @return {@code safe(sampleId) + ".png"}
     */
    public static String png(String sampleId) {
        return safe(sampleId) + ".png";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
