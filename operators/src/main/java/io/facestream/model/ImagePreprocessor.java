package io.facestream.model;

import java.nio.FloatBuffer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * BGR 8-bit pixels to a normalised NCHW float tensor as the manifest describes it: channel
 * order, {@code (pixel - mean) / std}. An image smaller than the input is placed at the
 * top-left and the rest filled with the normalised value of a black pixel (letterbox padding).
 * It lives beside {@link InputSpec}: the manifest's input facts are exactly what it applies.
 */
public final class ImagePreprocessor {
    private ImagePreprocessor() {
    }

    /** Writes one image at {@code offset} floats into {@code buffer} (for batches). */
    public static void write(Mat bgr, InputSpec input, FloatBuffer buffer, int offset) {
        if (bgr.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException("expected an 8-bit BGR image, got type " + CvType.typeToString(bgr.type()));
        }
        int width = input.width();
        int height = input.height();
        int rows = Math.min(bgr.rows(), height);
        int cols = Math.min(bgr.cols(), width);
        int plane = width * height;
        float[] out = buffer.array();
        int base = buffer.arrayOffset() + offset;
        boolean rgb = input.channelOrder() == InputSpec.ChannelOrder.RGB;
        for (int c = 0; c < 3; c++) {
            float pad = (0f - input.mean()[c]) / input.std()[c];
            java.util.Arrays.fill(out, base + c * plane, base + (c + 1) * plane, pad);
        }
        byte[] row = new byte[bgr.cols() * 3];
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / input.std()[c];
            shift[c] = -input.mean()[c] / input.std()[c];
        }
        for (int y = 0; y < rows; y++) {
            bgr.get(y, 0, row);
            int rowBase = base + y * width;
            for (int x = 0; x < cols; x++) {
                int b = row[3 * x] & 0xFF;
                int g = row[3 * x + 1] & 0xFF;
                int r = row[3 * x + 2] & 0xFF;
                int first = rgb ? r : b;
                int third = rgb ? b : r;
                out[rowBase + x] = first * scale[0] + shift[0];
                out[rowBase + plane + x] = g * scale[1] + shift[1];
                out[rowBase + 2 * plane + x] = third * scale[2] + shift[2];
            }
        }
    }
}
