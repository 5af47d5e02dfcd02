package io.facestream.stream;

import java.io.Serializable;

/**
 * How faces are matched: the recognizer whose embeddings the gallery holds, the match threshold
 * ({@link io.facestream.match.Similarity}), whether faces that match nobody are written too, and
 * how wide each shard searches: the {@code hammingCandidates} people with the closest sign codes
 * are scored on their int8 templates and the best {@code candidatePeople} of them re-ranked exactly. During a
 * recognizer switch, {@code previousModel} (null otherwise) is the recognizer the gallery was enrolled with, matched at
 * {@code previousMatchThreshold} until every shard has embedded its people with {@code model}.
 */
public record MatchSettings(String model, double matchThreshold, boolean emitUnknown, int hammingCandidates,
        int candidatePeople, String previousModel, double previousMatchThreshold)
        implements Serializable {

    public MatchSettings(String model, double matchThreshold, boolean emitUnknown, int hammingCandidates, int candidatePeople) {
        this(model, matchThreshold, emitUnknown, hammingCandidates, candidatePeople, null, Double.NaN);
    }

    /** Whether a recognizer switch is under way. */
    public boolean switching() {
        return previousModel != null;
    }
}
