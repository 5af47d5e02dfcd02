package io.facestream.match;

import io.facestream.embed.Vectors;

/**
 * Open-set top-1 search: a person's score is their best cosine similarity over their
 * embeddings; the best person is returned when the score reaches the threshold, otherwise
 * the face is unknown.
 */
public final class GalleryMatcher {
    private final float threshold;

    public GalleryMatcher(float threshold) {
        this.threshold = threshold;
    }

    public Match match(Gallery gallery, float[] embedding) {
        Gallery.Person best = null;
        float bestScore = -1f;
        for (Gallery.Person person : gallery.people()) {
            for (float[] enrolled : person.embeddings()) {
                float score = Vectors.dot(enrolled, embedding);
                if (score > bestScore) {
                    bestScore = score;
                    best = person;
                }
            }
        }
        if (best == null || bestScore < threshold) {
            return Match.unknown(best == null ? Float.NaN : bestScore);
        }
        return new Match(best.id(), best.name(), bestScore, true);
    }

    public float threshold() {
        return threshold;
    }
}
