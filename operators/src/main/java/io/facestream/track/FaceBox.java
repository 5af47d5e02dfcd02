package io.facestream.track;

import java.io.Serializable;

/** An axis-aligned face box in pixels, corners (x1, y1) top-left and (x2, y2) bottom-right. */
public record FaceBox(double x1, double y1, double x2, double y2) implements Serializable {
    private static final long serialVersionUID = 1L;

    public FaceBox {
        if (!Double.isFinite(x1) || !Double.isFinite(y1) || !Double.isFinite(x2) || !Double.isFinite(y2)) {
            throw new IllegalArgumentException("box corners must be finite, were " + corners(x1, y1, x2, y2));
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException(
                    "box corners must satisfy x1 <= x2 and y1 <= y2, were " + corners(x1, y1, x2, y2));
        }
    }

    /** The box of the given centre and size. */
    public static FaceBox ofCentre(double cx, double cy, double width, double height) {
        return new FaceBox(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2);
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double centreX() {
        return (x1 + x2) / 2;
    }

    public double centreY() {
        return (y1 + y2) / 2;
    }

    /** Intersection over union; 0 for boxes without area, so degenerate boxes never match anything. */
    public double iou(FaceBox other) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = width() * height() + other.width() * other.height() - intersection;
        return union > 0 ? intersection / union : 0;
    }

    private static String corners(double x1, double y1, double x2, double y2) {
        return "(" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")";
    }
}
