package io.facestream.track;

import java.io.Serializable;

/** One face followed over frames: its id, its motion filter and when it was matched. */
final class Track implements Serializable {
    private static final long serialVersionUID = 1L;

    // Package-private for TrackFormat, which writes them to state.
    final long id;
    final BoxKalmanFilter filter;
    final long firstSeenMs;
    long lastSeenMs;
    int frames;
    /** The embedding of the face last matched to this track, when the caller gave one. */
    float[] appearance;

    Track(long id, FaceBox box, float[] appearance, long nowMs) {
        this.id = id;
        this.appearance = appearance;
        this.filter = new BoxKalmanFilter(box);
        this.firstSeenMs = nowMs;
        this.lastSeenMs = nowMs;
        this.frames = 1;
    }

    /** A track as read back from state. */
    Track(long id, BoxKalmanFilter filter, long firstSeenMs, long lastSeenMs, int frames, float[] appearance) {
        this.id = id;
        this.filter = filter;
        this.firstSeenMs = firstSeenMs;
        this.lastSeenMs = lastSeenMs;
        this.frames = frames;
        this.appearance = appearance;
    }

    long id() {
        return id;
    }

    void predict(long elapsedMs) {
        filter.predict(elapsedMs);
    }

    FaceBox predictedBox() {
        return filter.box();
    }

    void matched(FaceBox box, float[] appearance, long nowMs) {
        filter.update(box);
        if (appearance != null) {
            this.appearance = appearance;
        }
        lastSeenMs = Math.max(lastSeenMs, nowMs);
        frames++;
    }

    boolean idlePast(long nowMs, long maxAbsenceMs) {
        return nowMs - lastSeenMs > maxAbsenceMs;
    }

    float[] appearance() {
        return appearance;
    }

    long lastSeenMs() {
        return lastSeenMs;
    }

    EndedTrack ended() {
        return new EndedTrack(id, firstSeenMs, lastSeenMs, frames);
    }
}
