package io.facestream.pipeline;

import io.facestream.detect.DetectedFace;
import java.io.Serializable;

/**
 * A face the pipeline found: its detection and, when asked for, its L2-normalised embedding
 * (null otherwise), and the recognizer that made it ({@code model}; null in state written before it was recorded).
 * The same type is the job's in-flight record of a face: a face embedded before a restart with another recognizer
 * says so, and is compared with no one of the new one.
 */
public record Face(DetectedFace detection, float[] embedding, String model) implements Serializable {
}
