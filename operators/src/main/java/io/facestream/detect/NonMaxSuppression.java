package io.facestream.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression: keep the best box, drop those overlapping it by more than the IoU limit. */
public final class NonMaxSuppression {
    private NonMaxSuppression() {
    }

    public static List<DetectedFace> apply(List<DetectedFace> candidates, float iouThreshold) {
        List<DetectedFace> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
        List<DetectedFace> kept = new ArrayList<>();
        boolean[] suppressed = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            if (suppressed[i]) {
                continue;
            }
            DetectedFace best = sorted.get(i);
            kept.add(best);
            for (int j = i + 1; j < sorted.size(); j++) {
                if (!suppressed[j] && best.iou(sorted.get(j)) > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return kept;
    }
}
