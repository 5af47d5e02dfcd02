package io.facestream.embed;

/** Small vector helpers for embeddings. */
public final class Vectors {
    private Vectors() {
    }

    /** Scales {@code v} to unit length in place and returns it; a zero or non-finite vector is refused. */
    public static float[] l2Normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (!(norm > 0) || Double.isInfinite(norm)) {
            throw new IllegalArgumentException("cannot normalise a vector of norm " + norm);
        }
        float inverse = (float) (1.0 / norm);
        for (int i = 0; i < v.length; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in length: " + a.length + " and " + b.length);
        }
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Cosine similarity of two vectors of any length. */
    public static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }
}
