package io.facestream.pipeline;

/**
 * Wall-clock nanoseconds of each stage of the last image analysed, for the command line's
 * {@code --timings}. One image at a time: not for a pipeline shared by threads.
 */
public final class StageTimings implements StageListener {
    private long decodeNanos;
    private long detectNanos;
    private long alignNanos;
    private long embedNanos;

    /** Clears the figures before the next image (a stage that does not run reports 0). */
    public void reset() {
        decodeNanos = 0;
        detectNanos = 0;
        alignNanos = 0;
        embedNanos = 0;
    }

    @Override
    public void decoded(long nanos) {
        decodeNanos = nanos;
    }

    @Override
    public void detected(int faces, long nanos) {
        detectNanos = nanos;
    }

    @Override
    public void aligned(int faces, long nanos) {
        alignNanos = nanos;
    }

    @Override
    public void embedded(int faces, long nanos) {
        embedNanos = nanos;
    }

    public long decodeNanos() {
        return decodeNanos;
    }

    public long detectNanos() {
        return detectNanos;
    }

    public long alignNanos() {
        return alignNanos;
    }

    public long embedNanos() {
        return embedNanos;
    }
}
