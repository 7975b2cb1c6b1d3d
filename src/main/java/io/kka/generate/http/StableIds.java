package io.kka.generate.http;

import io.kka.data.SplitHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content-derived ids and seeds, so that reruns with the same inputs give the same ids and requests. */
public final class StableIds {
    private StableIds() {
    }

    /**
     * @param parts the identifying parts, in order
     * @return the first 32 hex characters of SHA-256 over the parts, each followed by a NUL byte
     */
    public static String of(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param seed  a parent seed
     * @param parts what the child seed is for
     * @return a well-mixed child seed
     */
    public static long seed(long seed, Object... parts) {
        long x = SplitHash.mix(seed ^ 0x9E3779B97F4A7C15L);
        for (Object p : parts) {
            x = SplitHash.mix(x ^ String.valueOf(p).hashCode() * 0xC2B2AE3D27D4EB4FL);
        }
        return x;
    }
}
