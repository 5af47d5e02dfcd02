package io.facestream.detect;

import io.facestream.model.RetinaFaceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns RetinaFace's raw outputs into faces in input-tensor coordinates (insightface's
 * decoding). Per stride the outputs are NCHW with N = 1:
 * scores [1, 2A, H, W] (channels A..2A-1 are the face probabilities of anchor 0..A-1),
 * boxes [1, 4A, H, W] (dx, dy, dw, dh per anchor), landmarks [1, 10A, H, W] (x, y per point).
 */
public final class RetinaFaceDecoder {
    private final RetinaFaceSpec spec;
    private final List<RetinaFaceAnchors> anchors = new ArrayList<>();

    public RetinaFaceDecoder(RetinaFaceSpec spec, int inputWidth, int inputHeight) {
        this.spec = spec;
        for (int stride : spec.strides()) {
            anchors.add(RetinaFaceAnchors.of(spec, stride, inputWidth, inputHeight));
        }
    }

    public List<RetinaFaceAnchors> anchors() {
        return anchors;
    }

    /** Candidates scoring at least {@code scoreThreshold}, before non-maximum suppression. */
    public List<DetectedFace> decode(Map<String, float[]> outputs, float scoreThreshold) {
        List<DetectedFace> faces = new ArrayList<>();
        for (RetinaFaceAnchors grid : anchors) {
            float[] scores = require(outputs, spec.scoresOutput(grid.stride()));
            float[] boxes = require(outputs, spec.boxesOutput(grid.stride()));
            float[] points = require(outputs, spec.landmarksOutput(grid.stride()));
            decodeStride(grid, scores, boxes, points, scoreThreshold, faces);
        }
        return faces;
    }

    private void decodeStride(RetinaFaceAnchors grid, float[] scores, float[] boxes, float[] points,
                              float scoreThreshold, List<DetectedFace> out) {
        int cells = grid.cells();
        int perCell = grid.anchorsPerCell();
        checkLength(scores, 2 * perCell * cells, spec.scoresOutput(grid.stride()));
        checkLength(boxes, 4 * perCell * cells, spec.boxesOutput(grid.stride()));
        checkLength(points, 10 * perCell * cells, spec.landmarksOutput(grid.stride()));
        float variance = spec.boxVariance();
        float landmarkStd = spec.landmarkStd();
        for (int a = 0; a < perCell; a++) {
            float size = grid.sizes()[a];
            for (int cell = 0; cell < cells; cell++) {
                float score = scores[(perCell + a) * cells + cell];
                if (score < scoreThreshold) {
                    continue;
                }
                float cx = grid.centreX(cell);
                float cy = grid.centreY(cell);
                float dx = boxes[(a * 4) * cells + cell];
                float dy = boxes[(a * 4 + 1) * cells + cell];
                float dw = boxes[(a * 4 + 2) * cells + cell];
                float dh = boxes[(a * 4 + 3) * cells + cell];
                float boxCx = cx + dx * variance * size;
                float boxCy = cy + dy * variance * size;
                float halfW = 0.5f * size * (float) Math.exp(dw * variance);
                float halfH = 0.5f * size * (float) Math.exp(dh * variance);
                float[] landmarks = new float[2 * DetectedFace.LANDMARKS];
                for (int p = 0; p < DetectedFace.LANDMARKS; p++) {
                    landmarks[2 * p] = points[(a * 10 + 2 * p) * cells + cell] * landmarkStd * size + cx;
                    landmarks[2 * p + 1] = points[(a * 10 + 2 * p + 1) * cells + cell] * landmarkStd * size + cy;
                }
                out.add(new DetectedFace(boxCx - halfW, boxCy - halfH, boxCx + halfW, boxCy + halfH, score, landmarks));
            }
        }
    }

    private static float[] require(Map<String, float[]> outputs, String name) {
        float[] values = outputs.get(name);
        if (values == null) {
            throw new IllegalArgumentException("detector output '" + name + "' is missing; have " + outputs.keySet());
        }
        return values;
    }

    private static void checkLength(float[] values, int expected, String name) {
        if (values.length != expected) {
            throw new IllegalArgumentException("detector output '" + name + "' has " + values.length
                    + " values, expected " + expected);
        }
    }
}
