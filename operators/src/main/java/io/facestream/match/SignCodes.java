package io.facestream.match;

/**
 * Sign codes of embeddings: one bit per dimension, set where the value is positive (64 bytes at 512 dimensions). The
 * Hamming distance between two codes estimates the angle between the vectors (for directions spread evenly, the
 * expected share of differing bits is angle / pi), so a scan of codes with XOR and {@code Long.bitCount} finds the few
 * vectors worth comparing exactly, at a small fraction of the memory and time.
 */
public final class SignCodes {
    private SignCodes() {
    }

    /** Longs per code. */
    public static int words(int dimension) {
        return (dimension + 63) / 64;
    }

    /** Writes the code of {@code values} to {@code out} from {@code offset}. */
    public static void write(float[] values, long[] out, int offset) {
        int words = words(values.length);
        for (int w = 0; w < words; w++) {
            long bits = 0;
            for (int j = 0; j < 64 && w * 64 + j < values.length; j++) {
                if (values[w * 64 + j] > 0) {
                    bits |= 1L << j;
                }
            }
            out[offset + w] = bits;
        }
    }

    /** The code of {@code values}, in a new array. */
    public static long[] of(float[] values) {
        long[] code = new long[words(values.length)];
        write(values, code, 0);
        return code;
    }

    /** Differing bits between the codes at {@code a[aOffset..]} and {@code b[bOffset..]}. */
    public static int distance(long[] a, int aOffset, long[] b, int bOffset, int words) {
        int d = 0;
        for (int w = 0; w < words; w++) {
            d += Long.bitCount(a[aOffset + w] ^ b[bOffset + w]);
        }
        return d;
    }

    /**
     * The largest distance at which two unit vectors may still reach {@code similarity}: the distance expected at that
     * similarity plus three standard deviations of a binomial over the dimensions, so that a scan keeping codes within
     * it misses almost no vector at or above the similarity (the exact comparison decides).
     */
    public static int maxDistanceFor(int dimension, double similarity) {
        double share = Math.acos(Math.max(-1, Math.min(1, similarity))) / Math.PI;
        double mean = dimension * share;
        double deviation = Math.sqrt(dimension * share * (1 - share));
        return (int) Math.min(dimension, Math.ceil(mean + 3 * deviation));
    }
}
