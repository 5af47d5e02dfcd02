package io.facestream.track;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A track that ended without a name, kept (for the retroactive window) with its best faces, so that a person
 * enrolled later can be found in it. {@code model}: the recognizer of the faces' embeddings (null when written before
 * it was recorded: the job's own).
 */
public record UnnamedTrack(String camera, long trackId, long firstSeen, long lastSeen, int faces, List<KeptFace> kept,
        String model) implements Serializable {
    private static final long serialVersionUID = 1L;

    public UnnamedTrack {
        kept = List.copyOf(kept);
    }

    /** Whether any kept face is of the person with these embeddings (for erasing them when that person is deleted). */
    public boolean resembles(float[][] embeddings, double threshold) {
        return KeptFaces.anyResembles(kept, embeddings, threshold);
    }

    /** The closed sighting naming {@code personId}, when the kept faces vote for them; empty otherwise. */
    public Optional<Sighting> matchBack(String personId, String name, float[][] embeddings, double threshold,
            VoteSettings settings) {
        IdentityDecision decision = KeptFaces.voteFor(kept, personId, embeddings, threshold, settings).decide();
        if (!decision.decided()) {
            return Optional.empty();
        }
        FaceObservation best = decision.bestObservation();
        return Optional.of(new Sighting(camera, trackId, personId, name, firstSeen, lastSeen, faces, decision.bestScore(),
                best.box(), best.frameSeq(), Sighting.State.CLOSED, true));
    }
}
