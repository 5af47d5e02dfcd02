package io.facestream.track;

/**
 * The identity of a track so far.
 *
 * @param personId        the person named, or null when {@link #verdict} is not {@link Verdict#DECIDED}
 * @param verdict         why the track is or is not named
 * @param faces           observations of the named person; when undecided, of the leading person (0 if none)
 * @param totalFaces      all observations of the track, unknown ones included
 * @param bestScore       best similarity of the named (or leading) person; NaN when there is none
 * @param bestObservation the highest-weighted observation of the named person, or of the whole track when
 *                        undecided: the track's best frame; null before any observation
 */
public record IdentityDecision(String personId, Verdict verdict, int faces, int totalFaces, double bestScore,
        FaceObservation bestObservation) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;


    public enum Verdict {
        /** The leading person is named. */
        DECIDED,
        /** Nobody was matched yet. */
        NO_CANDIDATE,
        /** The leading person has fewer than minFaces observations. */
        TOO_FEW_FACES,
        /** Two persons lead with the same weight. */
        TIE,
        /** Unknown faces weigh at least as much as the leading person. */
        MOSTLY_UNKNOWN
    }

    public boolean decided() {
        return verdict == Verdict.DECIDED;
    }
}
