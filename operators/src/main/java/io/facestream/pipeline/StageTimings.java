package io.facestream.pipeline;

/** Wall-clock nanoseconds spent in each stage for one image. */
public record StageTimings(long decodeNanos, long detectNanos, long alignNanos, long embedNanos) {

    public static final StageTimings ZERO = new StageTimings(0, 0, 0, 0);

    public StageTimings plus(StageTimings other) {
        return new StageTimings(decodeNanos + other.decodeNanos, detectNanos + other.detectNanos,
                alignNanos + other.alignNanos, embedNanos + other.embedNanos);
    }
}
