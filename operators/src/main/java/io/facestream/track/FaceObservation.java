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
 */
public record FaceObservation(String personId, double similarity, double margin, double faceSizePx,
        double detectionScore, long timestampMs) implements Serializable {
    private static final long serialVersionUID = 1L;

    public FaceObservation {
        if (!Double.isFinite(faceSizePx) || faceSizePx < 0) {
            throw new IllegalArgumentException("faceSizePx must be finite and >= 0, was " + faceSizePx);
        }
        if (!Double.isFinite(detectionScore)) {
            throw new IllegalArgumentException("detectionScore must be finite, was " + detectionScore);
        }
    }

    public boolean known() {
        return personId != null;
    }
}
