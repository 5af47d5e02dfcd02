package io.facestream.detect;

import java.io.Serializable;

/**
 * Detection thresholds after applying configuration over the manifest's defaults, and the most
 * faces a frame may give (the best-scoring ones are kept: a crowd or a hostile image cannot make
 * one frame cost hundreds of recognizer calls); the input size policy; and when a small face gets
 * a second, closer look ({@link SecondLook}).
 */
public record DetectorSettings(float scoreThreshold, float nmsIou, int minFaceSize, int maxFaces, InputSize inputSize,
                               SecondLook secondLook) implements Serializable {

    /** How a frame is fitted to the detector's input. */
    public enum InputSize {
        /** At the frame's own aspect ratio, sides rounded up to the model's size multiple (needs one). */
        FRAME,
        /** Letterboxed into the manifest's fixed input shape. */
        FIXED
    }

    /**
     * Faces smaller than {@code belowPx} (box side in the detector's input) are detected again in a region around
     * them scaled so the face is about {@link #FACE_PX} pixels; first-pass candidates scoring at least
     * {@code threshold} qualify; at most {@code maxFaces} per frame. {@code belowPx} 0: off.
     */
    public record SecondLook(int belowPx, float threshold, int maxFaces) implements Serializable {
        /**
         * The face's size (its box's longer side) in the second look: its width then lies near the model's 64-pixel
         * anchors. 64 missed faces cropped at the forehead and chin that 96 finds (BENCHMARKS.md: Small faces).
         */
        public static final int FACE_PX = 96;
        /** The region's side, in faces: context the detector needs around a face. */
        public static final int REGION_FACES = 3;

        public static final SecondLook OFF = new SecondLook(0, 1f, 0);

        public boolean on() {
            return belowPx > 0 && maxFaces > 0;
        }

        /** The second look's input side in pixels: the region scaled so the face is {@link #FACE_PX}. */
        public static int inputPx() {
            return FACE_PX * REGION_FACES;
        }
    }

    public DetectorSettings(float scoreThreshold, float nmsIou, int minFaceSize, int maxFaces) {
        this(scoreThreshold, nmsIou, minFaceSize, maxFaces, InputSize.FIXED, SecondLook.OFF);
    }
}
