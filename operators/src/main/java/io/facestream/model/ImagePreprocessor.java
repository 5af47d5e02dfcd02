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

    /**
     * Writes one image at {@code offset} floats into {@code buffer} (for batches): a heap buffer, or a direct one,
     * which ONNX Runtime reads in place (a heap buffer it copies into a new direct buffer on every run, which only a
     * garbage collection frees). Written a row at a time with bulk puts.
     */
    public static void write(Mat bgr, InputSpec input, FloatBuffer buffer, int offset) {
        if (bgr.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException("expected an 8-bit BGR image, got type " + CvType.typeToString(bgr.type()));
        }
        int width = input.width();
        int height = input.height();
        int rows = Math.min(bgr.rows(), height);
        int cols = Math.min(bgr.cols(), width);
        int plane = width * height;
        boolean rgb = input.channelOrder() == InputSpec.ChannelOrder.RGB;
        float[] scale = new float[3];
        float[] shift = new float[3];
        float[][] padding = new float[3][width];
        float[][] out = new float[3][width];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / input.std()[c];
            shift[c] = -input.mean()[c] / input.std()[c];
            java.util.Arrays.fill(padding[c], shift[c]); // a black pixel, normalised
            java.util.Arrays.fill(out[c], cols, width, shift[c]);
        }
        byte[] row = new byte[bgr.cols() * 3];
        for (int y = 0; y < height; y++) {
            float[][] line = padding;
            if (y < rows) {
                bgr.get(y, 0, row);
                for (int x = 0; x < cols; x++) {
                    int b = row[3 * x] & 0xFF;
                    int g = row[3 * x + 1] & 0xFF;
                    int r = row[3 * x + 2] & 0xFF;
                    out[0][x] = (rgb ? r : b) * scale[0] + shift[0];
                    out[1][x] = g * scale[1] + shift[1];
                    out[2][x] = (rgb ? b : r) * scale[2] + shift[2];
                }
                line = out;
            }
            for (int c = 0; c < 3; c++) {
                buffer.put(offset + c * plane + y * width, line[c], 0, width);
            }
        }
    }
}
