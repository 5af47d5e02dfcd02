package io.facestream.track;

/** One face found by the detector in a frame: its box and the detector's confidence in [0, 1]. */
public record Detection(FaceBox box, double score) {
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
