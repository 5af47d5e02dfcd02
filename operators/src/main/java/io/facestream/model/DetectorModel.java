package io.facestream.model;

import java.io.Serializable;

/** A face detector entry of the manifest. */
public record DetectorModel(String id, ModelFile file, InputSpec input, RetinaFaceSpec decoder,
                            double defaultScoreThreshold, double defaultNmsIou) implements Serializable {
}
