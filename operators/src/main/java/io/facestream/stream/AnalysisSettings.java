package io.facestream.stream;

import java.io.Serializable;

/**
 * How the async analysis runs: {@code threads} analysis threads per operator instance (0 = one
 * per core of the TaskManager), at most {@code capacity} frames in flight, {@code timeoutMs}
 * before a frame becomes a dead letter.
 */
public record AnalysisSettings(int threads, int capacity, long timeoutMs) implements Serializable {
}
