package io.facestream.track;

/**
 * A person seen by a camera, as the {@code sightings} topic carries it: written when a track's identity is
 * decided ({@link State#OPEN}), when it changes ({@link State#UPDATE}) and when the track ends
 * ({@link State#CLOSED}). {@code camera}, {@code trackId} and {@code firstSeen} together name one sighting.
 *
 * @param personId     the person named, null for a track that ended unnamed (written only when asked for)
 * @param faces        faces of the track so far (all of them, whoever the gallery said they were)
 * @param bestScore    the highest similarity to the named person over the track; NaN when unnamed
 * @param bestBox      the face of the track's best frame: the named person's highest-weighted face
 * @param bestFrameSeq the frame sequence number of that frame
 * @param retroactive  true when the person was enrolled after the faces were seen and matched back in time
 */
public record Sighting(String camera, long trackId, String personId, String name, long firstSeen, long lastSeen,
        int faces, double bestScore, FaceBox bestBox, long bestFrameSeq, State state, boolean retroactive) {

    public enum State {
        OPEN, UPDATE, CLOSED;

        /** The name on the wire: lower case. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
