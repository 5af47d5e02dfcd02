package io.facestream.ingest;

/**
 * How frames are taken from a source: at most {@code fps} per second of source time (0 = all),
 * scaled down to at most {@code maxWidth} pixels wide (0 = as is), encoded as JPEG at {@code jpegQuality}.
 */
public record FrameOptions(double fps, int maxWidth, int jpegQuality) {
    public FrameOptions {
        if (fps < 0 || maxWidth < 0 || jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("bad frame options: fps " + fps + ", max width " + maxWidth
                    + ", JPEG quality " + jpegQuality + " (1..100)");
        }
    }
}
