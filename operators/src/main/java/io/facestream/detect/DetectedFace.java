package io.facestream.detect;

import java.io.Serializable;

/**
 * One detected face: box corners, score, and five landmarks (left eye, right eye, nose,
 * left mouth corner, right mouth corner; image left/right) as x0, y0, ..., x4, y4.
 */
public record DetectedFace(float x1, float y1, float x2, float y2, float score, float[] landmarks) implements Serializable {

    public static final int LANDMARKS = 5;

    public DetectedFace {
        if (landmarks.length != 2 * LANDMARKS) {
            throw new IllegalArgumentException("expected " + 2 * LANDMARKS + " landmark coordinates, got " + landmarks.length);
        }
    }

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    public float area() {
        return Math.max(0f, width()) * Math.max(0f, height());
    }

    /** Intersection over union of the two boxes. */
    public float iou(DetectedFace other) {
        float ix = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        float iy = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (ix <= 0 || iy <= 0) {
            return 0f;
        }
        float intersection = ix * iy;
        return intersection / (area() + other.area() - intersection);
    }

    /** Coordinates divided by {@code scale} (back from the letterboxed input), box clipped to the image. */
    public DetectedFace toImage(float scale, int imageWidth, int imageHeight) {
        return toImage(scale, 0, 0, imageWidth, imageHeight);
    }

    /**
     * Coordinates divided by {@code scale} and moved by ({@code offsetX}, {@code offsetY}): back from a region of the
     * image that was cut at that offset and scaled; box clipped to the image.
     */
    public DetectedFace toImage(float scale, float offsetX, float offsetY, int imageWidth, int imageHeight) {
        float[] points = new float[landmarks.length];
        for (int i = 0; i < points.length; i += 2) {
            points[i] = landmarks[i] / scale + offsetX;
            points[i + 1] = landmarks[i + 1] / scale + offsetY;
        }
        return new DetectedFace(clamp(x1 / scale + offsetX, imageWidth), clamp(y1 / scale + offsetY, imageHeight),
                clamp(x2 / scale + offsetX, imageWidth), clamp(y2 / scale + offsetY, imageHeight), score, points);
    }

    private static float clamp(float value, int limit) {
        return Math.max(0f, Math.min(value, limit));
    }
}
