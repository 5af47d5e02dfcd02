package io.facestream.track;

import java.util.List;

/**
 * What one frame did to a camera's tracks.
 *
 * @param trackIds the track of each detection, in the order the detections were given
 * @param ended    tracks that ended in this step, each reported once
 */
public record TrackerStep(List<Long> trackIds, List<EndedTrack> ended) {
    public TrackerStep {
        trackIds = List.copyOf(trackIds);
        ended = List.copyOf(ended);
    }

    /** The track of the detection at {@code detectionIndex} in the frame's input. */
    public long trackId(int detectionIndex) {
        return trackIds.get(detectionIndex);
    }
}
