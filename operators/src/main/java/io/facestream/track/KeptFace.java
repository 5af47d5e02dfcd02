package io.facestream.track;

import java.io.Serializable;

/** One face an unnamed track keeps for matching back in time: where and how it was seen, and its embedding. */
public record KeptFace(FaceObservation observation, float[] embedding, double weight) implements Serializable {
    private static final long serialVersionUID = 1L;
}
