package io.facestream.serde;

import java.io.Serializable;

/**
 * One recognised (or, with emit-unknown, unrecognised) face: the matches topic's record.
 * {@code personId} and {@code name} are null for an unknown face.
 */
public record MatchRecord(String camera, long frameSeq, long captureTs, String personId, String name, float score,
                          float[] box, float[] landmarks, String model) implements Serializable {
}
