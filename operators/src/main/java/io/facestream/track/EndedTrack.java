package io.facestream.track;

import java.io.Serializable;

/** A track that has ended: when its face was first and last matched (event time) and in how many frames. */
public record EndedTrack(long trackId, long firstSeenMs, long lastSeenMs, int frames) implements Serializable {
    private static final long serialVersionUID = 1L;
}
