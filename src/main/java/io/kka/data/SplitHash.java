package io.kka.data;

/**
 * Seeded, order-free split assignment: a row's fate depends only on its sample id, the seed and a salt, so splits
 * are identical however the data is partitioned and whichever executor sees the row.
 */
public final class SplitHash {
    private SplitHash() {
    }

    /**
     * @param sampleId a sample id (hex)
     * @param seed     the run seed
     * @param salt     a purpose ("val", "test", "keep") so that different draws are independent
     * @return a uniform number in [0, 1)
     */
    public static double unit(String sampleId, long seed, String salt) {
        long x = seed * 0x9E3779B97F4A7C15L ^ salt.hashCode() * 0xC2B2AE3D27D4EB4FL;
        for (int i = 0; i < sampleId.length(); i++) {
            x = mix(x ^ sampleId.charAt(i));
        }
        return (mix(x) >>> 11) * 0x1.0p-53;
    }

    /** splitmix64's finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
