package io.facestream.detect;

import io.facestream.model.RetinaFaceSpec;

/**
 * The anchors of one stride's feature map: for cell (row, col) and anchor a, a square of side
 * {@code sizes[a]} centred at (col * stride + offset, row * stride + offset). Laid out like the
 * model's outputs: index = row * cols + col.
 */
public record RetinaFaceAnchors(int stride, int rows, int cols, int[] sizes, float centreOffset) {

    public static RetinaFaceAnchors of(RetinaFaceSpec spec, int stride, int inputWidth, int inputHeight) {
        int rows = (inputHeight + stride - 1) / stride;
        int cols = (inputWidth + stride - 1) / stride;
        return new RetinaFaceAnchors(stride, rows, cols, spec.anchorSizes().get(stride), spec.anchorCentreOffset());
    }

    public int anchorsPerCell() {
        return sizes.length;
    }

    public int cells() {
        return rows * cols;
    }

    public float centreX(int cell) {
        return (cell % cols) * stride + centreOffset;
    }

    public float centreY(int cell) {
        return (cell / cols) * stride + centreOffset;
    }
}
