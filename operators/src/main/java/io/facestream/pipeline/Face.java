package io.facestream.pipeline;

import io.facestream.detect.DetectedFace;
import java.io.Serializable;

/**
 * A face the pipeline found: its detection and, when asked for, its L2-normalised embedding
 * (null otherwise), and the recognizer that made it ({@code model}; null in state written before it was recorded).
 * The same type is the job's in-flight record of a face: a face embedded before a restart with another recognizer
 * says so, and is compared with no one of the new one. During a recognizer switch, {@code previousEmbedding} is the
 * same face embedded by the previous recognizer (null otherwise), so the face can be matched with the old gallery too.
 */
public record Face(DetectedFace detection, float[] embedding, String model, float[] previousEmbedding) implements Serializable {

    public Face(DetectedFace detection, float[] embedding, String model) {
        this(detection, embedding, model, null);
    }

    /** The face as another recognizer saw it, with no second embedding. */
    public Face as(float[] otherEmbedding, String otherModel) {
        return new Face(detection, otherEmbedding, otherModel, null);
    }
}
