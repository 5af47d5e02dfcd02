package io.facestream.match;

import io.facestream.embed.Vectors;

/**
 * How similar a face is to a person: the one definition that the gallery's shards, the sightings stage's look at
 * recent enrollments, and matching back in time (kept faces against a new or deleted person) all use. A face is the
 * person's when this reaches the match threshold ({@code matchThreshold}: a {@code double}, everywhere it travels).
 */
public final class Similarity {
    private Similarity() {
    }

    /**
     * The highest cosine similarity (dot product of unit vectors, through the one kernel, {@link Vectors#dot}) between
     * {@code face} and any of the person's {@code embeddings}. Embeddings of another length (another recognizer's) are
     * never compared; NaN when none is left (a person without embeddings, or only another recognizer's), which reaches
     * no threshold.
     */
    public static float toPerson(float[] face, float[][] embeddings) {
        float best = Float.NaN;
        for (float[] embedding : embeddings) {
            if (embedding.length == face.length) {
                float similarity = Vectors.dot(embedding, face);
                best = Float.isNaN(best) ? similarity : Math.max(best, similarity);
            }
        }
        return best;
    }

    /** Whether {@code similarity} reaches {@code matchThreshold}; NaN (nothing compared) never does. */
    public static boolean reaches(double similarity, double matchThreshold) {
        return similarity >= matchThreshold;
    }
}
