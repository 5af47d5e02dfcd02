package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.facestream.model.RetinaFaceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RetinaFaceDecoderTest {
    static RetinaFaceSpec spec() {
        Map<Integer, int[]> sizes = new TreeMap<>();
        sizes.put(32, new int[] {512, 256});
        sizes.put(16, new int[] {128, 64});
        sizes.put(8, new int[] {32, 16});
        return new RetinaFaceSpec(new int[] {32, 16, 8}, sizes, 7.5f, 1.0f, 0.2f,
                "scores{stride}", "boxes{stride}", "landmarks{stride}");
    }

    /** Zeroed outputs of the right sizes for a 640x640 input. */
    static Map<String, float[]> zeroOutputs() {
        Map<String, float[]> outputs = new HashMap<>();
        for (int stride : new int[] {32, 16, 8}) {
            int cells = (640 / stride) * (640 / stride);
            outputs.put("scores" + stride, new float[4 * cells]);
            outputs.put("boxes" + stride, new float[8 * cells]);
            outputs.put("landmarks" + stride, new float[20 * cells]);
        }
        return outputs;
    }

    @Test
    void anchorGridsMatchTheStridesAndCentres() {
        RetinaFaceDecoder decoder = new RetinaFaceDecoder(spec(), 640, 640);
        List<RetinaFaceAnchors> grids = decoder.anchors();
        assertThat(grids).extracting(RetinaFaceAnchors::stride).containsExactly(32, 16, 8);
        assertThat(grids).extracting(RetinaFaceAnchors::rows).containsExactly(20, 40, 80);
        RetinaFaceAnchors stride16 = grids.get(1);
        int cell = 3 * 40 + 5; // row 3, column 5
        assertThat(stride16.centreX(cell)).isEqualTo(5 * 16 + 7.5f);
        assertThat(stride16.centreY(cell)).isEqualTo(3 * 16 + 7.5f);
        assertThat(stride16.sizes()).containsExactly(128, 64);
    }

    @Test
    void anchorGridsRoundUpForInputsNotDivisibleByTheStride() {
        RetinaFaceAnchors grid = RetinaFaceAnchors.of(spec(), 32, 650, 100);
        assertThat(grid.cols()).isEqualTo(21);
        assertThat(grid.rows()).isEqualTo(4);
    }

    @Test
    void decodesBoxAndLandmarksOfOneAnchor() {
        Map<String, float[]> outputs = zeroOutputs();
        int stride = 16;
        int cols = 40;
        int cells = cols * cols;
        int cell = 10 * cols + 20; // row 10, col 20: centre (327.5, 167.5)
        int anchor = 1; // size 64
        outputs.get("scores16")[(2 + anchor) * cells + cell] = 0.95f;
        outputs.get("scores16")[anchor * cells + cell] = 0.05f; // background channel is ignored
        float[] boxes = outputs.get("boxes16");
        boxes[(anchor * 4) * cells + cell] = 0.5f; // dx
        boxes[(anchor * 4 + 1) * cells + cell] = -0.25f; // dy
        boxes[(anchor * 4 + 2) * cells + cell] = (float) Math.log(2); // dw: twice as wide
        boxes[(anchor * 4 + 3) * cells + cell] = 0f; // dh
        float[] points = outputs.get("landmarks16");
        points[(anchor * 10 + 2 * 3) * cells + cell] = 1.0f; // point 3 x
        points[(anchor * 10 + 2 * 3 + 1) * cells + cell] = -2.0f; // point 3 y

        List<DetectedFace> faces = new RetinaFaceDecoder(spec(), 640, 640).decode(outputs, 0.5f);

        assertThat(faces).hasSize(1);
        DetectedFace face = faces.get(0);
        float cx = 20 * stride + 7.5f + 0.5f * 64;
        float cy = 10 * stride + 7.5f - 0.25f * 64;
        assertThat(face.score()).isEqualTo(0.95f);
        assertThat(face.x1()).isCloseTo(cx - 64, within(1e-3f));
        assertThat(face.x2()).isCloseTo(cx + 64, within(1e-3f));
        assertThat(face.y1()).isCloseTo(cy - 32, within(1e-3f));
        assertThat(face.y2()).isCloseTo(cy + 32, within(1e-3f));
        // landmark = delta * landmarkStd(0.2) * anchorSize + anchor centre
        assertThat(face.landmarks()[6]).isCloseTo(1.0f * 0.2f * 64 + 327.5f, within(1e-3f));
        assertThat(face.landmarks()[7]).isCloseTo(-2.0f * 0.2f * 64 + 167.5f, within(1e-3f));
        assertThat(face.landmarks()[0]).isCloseTo(327.5f, within(1e-3f)); // zero delta: the anchor centre
    }

    @Test
    void dropsCandidatesBelowTheScoreThreshold() {
        Map<String, float[]> outputs = zeroOutputs();
        outputs.get("scores32")[2 * 400 + 7] = 0.79f;
        outputs.get("scores8")[3 * 6400 + 99] = 0.81f;
        List<DetectedFace> faces = new RetinaFaceDecoder(spec(), 640, 640).decode(outputs, 0.8f);
        assertThat(faces).extracting(DetectedFace::score).containsExactly(0.81f);
    }

    @Test
    void refusesOutputsOfTheWrongSize() {
        Map<String, float[]> outputs = zeroOutputs();
        outputs.put("boxes16", new float[10]);
        assertThatThrownBy(() -> new RetinaFaceDecoder(spec(), 640, 640).decode(outputs, 0.5f))
                .hasMessageContaining("boxes16").hasMessageContaining("expected 12800");
    }

    @Test
    void mapsBackToTheOriginalImageAndClipsTheBox() {
        DetectedFace face = new DetectedFace(-10, 20, 330, 100, 0.9f, new float[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
        DetectedFace mapped = face.toImage(0.5f, 600, 400);
        assertThat(mapped.x1()).isEqualTo(0f);
        assertThat(mapped.y1()).isEqualTo(40f);
        assertThat(mapped.x2()).isEqualTo(600f);
        assertThat(mapped.y2()).isEqualTo(200f);
        assertThat(mapped.landmarks()).containsExactly(20, 40, 60, 80, 100, 120, 140, 160, 180, 200);
    }
}
