package io.facestream.stream;

import io.facestream.detect.DetectedFace;
import java.io.Serializable;

/** A face found in a frame: box [x1, y1, x2, y2], score, five landmarks (x, y) and its embedding. */
public record AnalyzedFace(float[] box, float score, float[] landmarks, float[] embedding) implements Serializable {

    public static AnalyzedFace of(DetectedFace face, float[] embedding) {
        return new AnalyzedFace(new float[] {face.x1(), face.y1(), face.x2(), face.y2()}, face.score(),
                face.landmarks().clone(), embedding);
    }
}
