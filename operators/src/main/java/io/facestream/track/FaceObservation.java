package io.facestream.track;

import java.io.Serializable;

/**
 * One recognition of a track's face in one frame.
 *
 * @param personId       the matched person, or null when the best candidate was below the match threshold
 * @param similarity     similarity to the best candidate (kept even when unknown, for reporting)
 * @param margin         similarity of the best minus the second-best candidate; NaN when there is no second
 * @param faceSizePx     the shorter side of the face box in pixels
 * @param detectionScore the detector's confidence in the face, in [0, 1]
 * @param timestampMs    event time of the frame, so the best observation can point at its frame
 * @param frameSeq       the frame's sequence number in its camera; -1 when not known
 * @param box            the face's box in that frame; null when not known
 */
public record FaceObservation(String personId, double similarity, double margin, double faceSizePx,
        double detectionScore, long timestampMs, long frameSeq, FaceBox box) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** An observation that does not say where it was made. */
    public FaceObservation(String personId, double similarity, double margin, double faceSizePx, double detectionScore,
            long timestampMs) {
        this(personId, similarity, margin, faceSizePx, detectionScore, timestampMs, -1, null);
    }

    public FaceObservation {
        if (!Double.isFinite(faceSizePx) || faceSizePx < 0) {
            throw new IllegalArgumentException("faceSizePx must be finite and >= 0, was " + faceSizePx);
        }
        if (!Double.isFinite(detectionScore)) {
            throw new IllegalArgumentException("detectionScore must be finite, was " + detectionScore);
        }
    }

    /** The same face, attributed to {@code person} (null: unknown) with {@code score}: for a vote taken again. */
    public FaceObservation as(String person, double score) {
        return new FaceObservation(person, score, Double.NaN, faceSizePx, detectionScore, timestampMs, frameSeq, box);
    }

    public boolean known() {
        return personId != null;
    }
}
