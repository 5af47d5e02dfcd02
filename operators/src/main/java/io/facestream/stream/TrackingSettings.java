package io.facestream.stream;

import io.facestream.track.SightingSettings;
import java.io.Serializable;

/**
 * How the sightings stage runs: how faces become sightings, how long unnamed tracks keep their faces for matching
 * back in time ({@code retroactiveWindowMs}, 0 keeps none) and after how long without a frame (processing time) a
 * camera's tracks are closed anyway ({@code idleCloseMs}, 0 never).
 */
public record TrackingSettings(SightingSettings sightings, long retroactiveWindowMs, long idleCloseMs) implements Serializable {
}
