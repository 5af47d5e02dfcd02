package io.facestream.align;

/**
 * A 2-D similarity transform (rotation, uniform scale, translation) as the 2x3 matrix
 * [[a, -b, tx], [b, a, ty]], estimated by least squares from point pairs (Umeyama's
 * solution without reflection, in closed form for two dimensions).
 */
public record SimilarityTransform(double a, double b, double tx, double ty) {

    /** Points are x0, y0, x1, y1, ...; {@code from} maps onto {@code to}. */
    public static SimilarityTransform estimate(float[] from, float[] to) {
        if (from.length != to.length || from.length < 4 || from.length % 2 != 0) {
            throw new IllegalArgumentException("need two equal lists of at least 2 points, got "
                    + from.length / 2 + " and " + to.length / 2);
        }
        int n = from.length / 2;
        double fromX = 0;
        double fromY = 0;
        double toX = 0;
        double toY = 0;
        for (int i = 0; i < n; i++) {
            fromX += from[2 * i];
            fromY += from[2 * i + 1];
            toX += to[2 * i];
            toY += to[2 * i + 1];
        }
        fromX /= n;
        fromY /= n;
        toX /= n;
        toY /= n;
        double dotSum = 0;
        double crossSum = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double x = from[2 * i] - fromX;
            double y = from[2 * i + 1] - fromY;
            double u = to[2 * i] - toX;
            double v = to[2 * i + 1] - toY;
            dotSum += x * u + y * v;
            crossSum += x * v - y * u;
            norm += x * x + y * y;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("all source points coincide; no transform is defined");
        }
        double a = dotSum / norm;
        double b = crossSum / norm;
        return new SimilarityTransform(a, b, toX - (a * fromX - b * fromY), toY - (b * fromX + a * fromY));
    }

    public double scale() {
        return Math.hypot(a, b);
    }

    public double rotationRadians() {
        return Math.atan2(b, a);
    }

    public double[] apply(double x, double y) {
        return new double[] {a * x - b * y + tx, b * x + a * y + ty};
    }

    /** Row-major 2x3 matrix for an affine warp. */
    public double[] matrix() {
        return new double[] {a, -b, tx, b, a, ty};
    }
}
