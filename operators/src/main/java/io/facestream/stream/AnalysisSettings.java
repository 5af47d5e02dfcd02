package io.facestream.stream;

import java.io.Serializable;

/**
 * How the async analysis runs: {@code threads} analysis threads per operator instance (0 = one
 * per core of the TaskManager), at most {@code capacity} frames in flight, {@code timeoutMs}
 * before a frame becomes a dead letter, and how many frames in a row may fail in analysis (not
 * for their own bytes) before the task is failed for Flink to restart it.
 */
public record AnalysisSettings(int threads, int capacity, long timeoutMs, int maxConsecutiveFailures) implements Serializable {
}
