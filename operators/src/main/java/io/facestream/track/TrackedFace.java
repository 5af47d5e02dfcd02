package io.facestream.track;

import io.facestream.detect.DetectedFace;
import io.facestream.match.Match;

/**
 * One face of a frame as the sightings stage gets it: where it is, how sure the detector was, its embedding (for
 * the tracker's appearance gate and for matching back in time; may be null) and what the gallery said.
 *
 * @param personId   the best gallery person when above the match threshold, else null
 * @param name       that person's display name, else null
 * @param similarity the best gallery similarity, known or not; NaN with an empty gallery
 * @param margin     best minus the best similarity of any other person; NaN when there was no other
 */
public record TrackedFace(FaceBox box, double detectionScore, float[] embedding, String personId, String name,
        double similarity, double margin) {

    /** A detected face, its embedding (may be null) and the gallery's answer for it. */
    public static TrackedFace of(DetectedFace detection, float[] embedding, Match match) {
        FaceBox box = new FaceBox(detection.x1(), detection.y1(), Math.max(detection.x1(), detection.x2()),
                Math.max(detection.y1(), detection.y2()));
        return new TrackedFace(box, detection.score(), embedding, match.known() ? match.personId() : null,
                match.known() ? match.name() : null, match.score(), match.margin());
    }

    public double sizePx() {
        return Math.max(0, Math.min(box.width(), box.height()));
    }

    FaceObservation observation(long timestampMs, long frameSeq) {
        return new FaceObservation(personId, similarity, margin, sizePx(), detectionScore, timestampMs, frameSeq, box);
    }
}
