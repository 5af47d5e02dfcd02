package io.facestream.pipeline;

import io.facestream.detect.DetectedFace;
import java.io.Serializable;

/**
 * A face the pipeline found: its detection and, when asked for, its L2-normalised embedding
 * (null otherwise). The same type is the job's in-flight record of a face.
 */
public record Face(DetectedFace detection, float[] embedding) implements Serializable {
}
