package io.facestream.track;

import java.io.Serializable;

/** One face followed over frames: its id, its motion filter and when it was matched. */
final class Track implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long id;
    private final BoxKalmanFilter filter;
    private final long firstSeenMs;
    private long lastSeenMs;
    private int frames;

    Track(long id, FaceBox box, long nowMs) {
        this.id = id;
        this.filter = new BoxKalmanFilter(box);
        this.firstSeenMs = nowMs;
        this.lastSeenMs = nowMs;
        this.frames = 1;
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

    void matched(FaceBox box, long nowMs) {
        filter.update(box);
        lastSeenMs = Math.max(lastSeenMs, nowMs);
        frames++;
    }

    boolean idlePast(long nowMs, long maxAbsenceMs) {
        return nowMs - lastSeenMs > maxAbsenceMs;
    }

    long lastSeenMs() {
        return lastSeenMs;
    }

    EndedTrack ended() {
        return new EndedTrack(id, firstSeenMs, lastSeenMs, frames);
    }
}
