package io.facestream.model;

import java.io.Serializable;
import java.util.Map;

/**
 * RetinaFace decoding parameters. For every stride the model has a score, box and landmark
 * output; each feature-map cell holds {@code anchorSizes.get(stride).length} square anchors.
 */
public record RetinaFaceSpec(int[] strides, Map<Integer, int[]> anchorSizes, float anchorCentreOffset,
                             float boxVariance, float landmarkStd, String scoresOutput, String boxesOutput,
                             String landmarksOutput) implements Serializable {

    public String scoresOutput(int stride) {
        return scoresOutput.replace("{stride}", Integer.toString(stride));
    }

    public String boxesOutput(int stride) {
        return boxesOutput.replace("{stride}", Integer.toString(stride));
    }

    public String landmarksOutput(int stride) {
        return landmarksOutput.replace("{stride}", Integer.toString(stride));
    }
}
