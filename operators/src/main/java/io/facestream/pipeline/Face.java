package io.facestream.pipeline;

import io.facestream.detect.DetectedFace;

/** A detected face and, when asked for, its embedding (null otherwise). */
public record Face(DetectedFace detection, float[] embedding) {
}
