package io.facestream.detect;

import java.io.Serializable;

/** Detection thresholds after applying configuration over the manifest's defaults. */
public record DetectorSettings(float scoreThreshold, float nmsIou, int minFaceSize) implements Serializable {
}
