package io.facestream.detect;

import java.io.Serializable;

/**
 * Detection thresholds after applying configuration over the manifest's defaults, and the most
 * faces a frame may give (the best-scoring ones are kept: a crowd or a hostile image cannot make
 * one frame cost hundreds of recognizer calls).
 */
public record DetectorSettings(float scoreThreshold, float nmsIou, int minFaceSize, int maxFaces) implements Serializable {
}
