package io.facestream.pipeline;

import java.util.List;

/** What the pipeline found in one image. */
public record ImageAnalysis(int width, int height, List<Face> faces) {

    /** The face with the largest box, or null when there is none. */
    public Face largestFace() {
        Face largest = null;
        for (Face face : faces) {
            if (largest == null || face.detection().area() > largest.detection().area()) {
                largest = face;
            }
        }
        return largest;
    }
}
