package io.facestream.stream;

import java.io.Serializable;

/**
 * How faces are matched: the recognizer whose embeddings the gallery holds, the match threshold
 * ({@link io.facestream.match.Similarity}), whether faces that match nobody are written too, and
 * how wide each shard searches: the {@code hammingCandidates} people with the closest sign codes
 * are scored on their int8 templates and the best {@code candidatePeople} of them re-ranked exactly.
 */
public record MatchSettings(String model, double matchThreshold, boolean emitUnknown, int hammingCandidates,
        int candidatePeople)
        implements Serializable {
}
