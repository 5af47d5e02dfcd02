package io.facestream.track;

/**
 * One face found by the detector in a frame: its box, the detector's confidence in [0, 1] and, when known, its
 * unit-length embedding, which keeps a track from jumping to a different person in the same place.
 */
public record Detection(FaceBox box, double score, float[] appearance) {
    public Detection(FaceBox box, double score) {
        this(box, score, null);
    }

    public Detection {
        if (box == null) {
            throw new IllegalArgumentException("box must not be null");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite, was " + score);
        }
    }

    public static Detection of(double x1, double y1, double x2, double y2, double score) {
        return new Detection(new FaceBox(x1, y1, x2, y2), score);
    }
}
