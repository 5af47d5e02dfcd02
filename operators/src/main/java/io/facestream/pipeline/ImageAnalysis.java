package io.facestream.pipeline;

import java.util.List;

/**
 * What the pipeline found in one image; {@code facesEmbedded} of its faces went through the
 * recognizer (the others, if any, reused an earlier embedding or were not asked for one).
 */
public record ImageAnalysis(int width, int height, List<Face> faces, int facesEmbedded) {

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
