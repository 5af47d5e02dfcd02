package io.facestream.stream;

import io.facestream.reuse.ReuseSettings;
import java.io.Serializable;

/**
 * How the async analysis runs: {@code threads} analysis threads per operator instance (0 = one
 * per core of the TaskManager), at most {@code capacity} frames in flight, {@code timeoutMs}
 * before a frame becomes a dead letter, and how many frames in a row may fail in analysis (not
 * for their own bytes) before the task is failed for Flink to restart it; {@code reuse} says when a
 * camera's unchanged face keeps its earlier embedding.
 */
public record AnalysisSettings(int threads, int capacity, long timeoutMs, int maxConsecutiveFailures, ReuseSettings reuse)
        implements Serializable {

    /** Every face of every frame embedded. */
    public AnalysisSettings(int threads, int capacity, long timeoutMs, int maxConsecutiveFailures) {
        this(threads, capacity, timeoutMs, maxConsecutiveFailures, ReuseSettings.off());
    }
}
