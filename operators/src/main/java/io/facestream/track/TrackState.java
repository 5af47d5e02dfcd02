package io.facestream.track;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the sightings stage knows of one live track: its vote, the person it names, and its best faces. */
final class TrackState implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Names remembered per track: the vote's candidates, with room to spare. */
    private static final int NAMES = 16;

    final long trackId;
    final long firstSeen;
    long lastSeen;
    int faces;
    IdentityVote vote;
    String personId;
    String name;
    /** The last decision naming {@link #personId}: where the sighting's best face and score come from. */
    IdentityDecision decided;
    /** The last decision of any kind: an unnamed track's best face. */
    IdentityDecision latest;
    /** The person was deleted while the track was named: its sighting is closed and the track stays silent. */
    boolean retired;
    /** The track's faces resembled a deleted person: keep none of them from now on. */
    boolean forgetFaces;
    final KeptFaces kept = new KeptFaces();
    final LinkedHashMap<String, String> names = new LinkedHashMap<>(NAMES, 0.75f, true) {
        // Fixed at the value Java computed for this class, so that state of versions before versioned state (Java
        // serialized, read once on restore) stays readable whatever is edited here.
        private static final long serialVersionUID = -5146098611886785584L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > NAMES;
        }
    };

    TrackState(long trackId, long firstSeen, VoteSettings vote) {
        this.trackId = trackId;
        this.firstSeen = firstSeen;
        this.lastSeen = firstSeen;
        this.vote = new IdentityVote(vote);
    }

    /** A track as read back from state. */
    TrackState(long trackId, long firstSeen, IdentityVote vote) {
        this.trackId = trackId;
        this.firstSeen = firstSeen;
        this.vote = vote;
    }

    boolean named() {
        return personId != null && !retired;
    }

    void observe(FaceObservation observation, TrackedFace face, int keptLimit) {
        faces++;
        lastSeen = Math.max(lastSeen, observation.timestampMs());
        vote.add(observation);
        if (face.personId() != null && face.name() != null) {
            names.put(face.personId(), face.name());
        }
        if (personId == null && !forgetFaces) { // a named track's faces are not needed later
            kept.offer(new KeptFace(observation, face.embedding(), vote.weight(observation.as(null, Double.NaN))), keptLimit);
        }
    }

    /**
     * Takes the vote's decision after a face; true when it names a person other than the one named so far (a
     * first name or a change). An undecided vote leaves the name as it was: one doubtful stretch does not unname.
     */
    boolean decide(IdentityDecision decision) {
        latest = decision;
        if (!decision.decided()) {
            return false;
        }
        boolean changed = !decision.personId().equals(personId);
        decided = decision;
        if (changed) {
            personId = decision.personId();
            name = names.get(personId);
            kept.clear();
        }
        return changed;
    }

    /** Names the track after a person found by matching back in time, with the vote that found them. */
    void nameBack(IdentityVote reseeded, IdentityDecision decision, String personName) {
        vote = reseeded;
        latest = decision;
        decided = decision;
        personId = decision.personId();
        name = personName;
        names.put(personId, personName);
        kept.clear();
    }

    /** Forgets the person's votes and name (the person was deleted). */
    void forget(String deletedId) {
        vote.forget(deletedId);
        names.remove(deletedId);
    }

    /** Everyone this track mentions: the person it names and those its vote has tallies for. */
    void mentioned(java.util.Set<String> out) {
        if (personId != null) {
            out.add(personId);
        }
        out.addAll(vote.candidateIds());
        out.addAll(names.keySet());
    }

    Sighting sighting(String camera, Sighting.State state, boolean retroactive) {
        IdentityDecision source = personId != null ? decided : latest;
        FaceObservation best = source == null ? null : source.bestObservation();
        return new Sighting(camera, trackId, personId, name, firstSeen, lastSeen, faces,
                personId != null ? decided.bestScore() : Double.NaN,
                best == null ? null : best.box(), best == null ? -1 : best.frameSeq(), state, retroactive);
    }
}
