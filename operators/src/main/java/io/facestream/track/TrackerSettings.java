package io.facestream.track;

import java.io.Serializable;

/**
 * How the face tracker associates detections with tracks and when it gives a track up.
 *
 * @param minIou         least IoU between a high-score detection and a track's predicted box for them to match
 * @param lowScoreMinIou least IoU for a low-score detection (second pass); stricter, since a weak detection
 *                       should only continue a track it clearly belongs to
 * @param highScore      detections scoring at least this are matched in the first pass, the rest in the second
 * @param maxAbsenceMs   a track not matched for longer than this (event time) ends; a face back sooner keeps its id
 * @param minAppearanceSimilarity least cosine similarity between a track's last embedding and a detection's for
 *                       them to match, when both are known; -1 matches on boxes alone
 */
public record TrackerSettings(double minIou, double lowScoreMinIou, double highScore, long maxAbsenceMs,
        double minAppearanceSimilarity) implements Serializable {
    private static final long serialVersionUID = 1L;

    public TrackerSettings {
        requireFraction("minIou", minIou);
        requireFraction("lowScoreMinIou", lowScoreMinIou);
        if (!(highScore >= 0 && highScore <= 1)) {
            throw new IllegalArgumentException("highScore must be between 0 and 1, was " + highScore);
        }
        if (maxAbsenceMs <= 0) {
            throw new IllegalArgumentException("maxAbsenceMs must be > 0, was " + maxAbsenceMs);
        }
        if (!(minAppearanceSimilarity >= -1 && minAppearanceSimilarity <= 1)) {
            throw new IllegalArgumentException("minAppearanceSimilarity must be between -1 and 1, was "
                    + minAppearanceSimilarity);
        }
    }

    /**
     * SORT's IoU gate of 0.3 and ByteTrack's 0.5 for the second pass; a high-score split equal to the detector's
     * default threshold (0.8 in models.json), so the second pass only comes into play when the detector threshold is
     * lowered to let weak faces through; two seconds of absence: ten frames at the demo's 5 fps, long enough for
     * a head turned away or a passer-by in front, short enough that a different person stepping into the same spot
     * later does not inherit the id; an appearance gate of 0.3, above the highest similarity between two different
     * people among the labelled photos (0.244) and far below that of one face in consecutive frames.
     */
    public static TrackerSettings defaults() {
        return new TrackerSettings(0.3, 0.5, 0.8, 2_000, 0.3);
    }

    private static void requireFraction(String name, double value) {
        // IoU 0 would match boxes that do not even touch.
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], was " + value);
        }
    }
}
