package io.facestream.stream;

import io.facestream.track.SightingSettings;
import io.facestream.track.TimelineSettings;
import java.io.Serializable;

/**
 * How the sightings stage runs: how faces become sightings, how each camera's frames are put in order by its own clock
 * ({@code timeline}, which also says after how long without a frame a camera's tracks are closed and its state
 * dropped), how long unnamed tracks keep their faces for matching back in time ({@code retroactiveWindowMs}, 0 keeps
 * none) and how many such tracks one subtask keeps at most ({@code maxKeptTracks}, the oldest erased first).
 */
public record TrackingSettings(SightingSettings sightings, TimelineSettings timeline, long retroactiveWindowMs,
        int maxKeptTracks) implements Serializable {

    public TrackingSettings {
        if (maxKeptTracks < 1) {
            throw new IllegalArgumentException("maxKeptTracks must be positive, was " + maxKeptTracks);
        }
    }

    public long idleCloseMs() {
        return timeline.idleCloseMs();
    }
}
