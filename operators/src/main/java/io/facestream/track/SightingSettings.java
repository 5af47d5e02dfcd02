package io.facestream.track;

import java.io.Serializable;

/**
 * How a camera's faces become sightings.
 *
 * @param tracker        how faces are followed from frame to frame
 * @param vote           how a track's recognitions name a person
 * @param keptFaces      the best faces (with embeddings) an unnamed track keeps for matching back in time; 0 keeps none
 * @param emitUnknown    whether a track that ends unnamed is written too (with a null person), once it had
 *                       {@code vote.minFaces} faces
 * @param matchThreshold the gallery's similarity threshold, for matching kept faces against a new enrollment
 */
public record SightingSettings(TrackerSettings tracker, VoteSettings vote, int keptFaces, boolean emitUnknown,
        double matchThreshold) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SightingSettings {
        if (tracker == null || vote == null) {
            throw new IllegalArgumentException("tracker and vote settings must not be null");
        }
        if (keptFaces < 0) {
            throw new IllegalArgumentException("keptFaces must be >= 0, was " + keptFaces);
        }
        if (!Double.isFinite(matchThreshold)) {
            throw new IllegalArgumentException("matchThreshold must be finite, was " + matchThreshold);
        }
    }

    public static SightingSettings defaults(double matchThreshold) {
        return new SightingSettings(TrackerSettings.defaults(), VoteSettings.defaults(), 5, false, matchThreshold);
    }
}
