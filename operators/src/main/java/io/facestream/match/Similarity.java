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
     * {@code face} and any of the person's {@code embeddings}. Embeddings of another length are never compared (the
     * callers keep another recognizer's apart by its id: two recognizers may have one length); NaN when none is left
     * (a person without embeddings), which reaches no threshold. A NaN similarity is skipped, so the result does not
     * depend on the order of the embeddings.
     */
    public static float toPerson(float[] face, float[][] embeddings) {
        float best = Float.NaN;
        for (float[] embedding : embeddings) {
            if (embedding.length == face.length) {
                float similarity = Vectors.dot(embedding, face);
                if (!Float.isNaN(similarity) && (Float.isNaN(best) || similarity > best)) {
                    best = similarity;
                }
            }
        }
        return best;
    }

    /** Whether {@code similarity} reaches {@code matchThreshold}; NaN (nothing compared) never does. */
    public static boolean reaches(double similarity, double matchThreshold) {
        return similarity >= matchThreshold;
    }
}
