package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {
    static DetectedFace box(float x1, float y1, float x2, float y2, float score) {
        return new DetectedFace(x1, y1, x2, y2, score, new float[10]);
    }

    @Test
    void iouOfKnownBoxes() {
        assertThat(box(0, 0, 10, 10, 1).iou(box(5, 0, 15, 10, 1))).isCloseTo(50f / 150f, within(1e-6f));
        assertThat(box(0, 0, 10, 10, 1).iou(box(20, 20, 30, 30, 1))).isZero();
        assertThat(box(0, 0, 10, 10, 1).iou(box(0, 0, 10, 10, 1))).isEqualTo(1f);
    }

    @Test
    void keepsTheBestOfOverlappingBoxesAndAllSeparateOnes() {
        DetectedFace best = box(0, 0, 10, 10, 0.9f);
        DetectedFace overlapping = box(1, 1, 11, 11, 0.8f); // IoU 81/119 = 0.68
        DetectedFace separate = box(50, 50, 60, 60, 0.7f);
        DetectedFace slightlyOverlapping = box(7, 0, 17, 10, 0.6f); // IoU with best 30/170 = 0.18
        List<DetectedFace> kept = NonMaxSuppression.apply(List.of(separate, overlapping, slightlyOverlapping, best), 0.4f);
        assertThat(kept).containsExactly(best, separate, slightlyOverlapping);
    }

    @Test
    void theIouThresholdDecides() {
        DetectedFace a = box(0, 0, 10, 10, 0.9f);
        DetectedFace b = box(5, 0, 15, 10, 0.8f); // IoU 0.333
        assertThat(NonMaxSuppression.apply(List.of(a, b), 0.3f)).containsExactly(a);
        assertThat(NonMaxSuppression.apply(List.of(a, b), 0.4f)).containsExactly(a, b);
    }

    @Test
    void aSuppressedBoxDoesNotSuppressOthers() {
        DetectedFace a = box(0, 0, 10, 10, 0.9f);
        DetectedFace b = box(4, 0, 14, 10, 0.8f); // suppressed by a (IoU 0.43)
        DetectedFace c = box(8, 0, 18, 10, 0.7f); // overlaps b (0.43) but a only by 0.11
        assertThat(NonMaxSuppression.apply(List.of(a, b, c), 0.4f)).containsExactly(a, c);
    }
}
