package io.facestream.track;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Follows the faces of one camera from frame to frame (SORT with ByteTrack's two passes), giving each face a
 * track id that stays the same while the face stays in view.
 *
 * <p>Each frame: tracks idle past {@code maxAbsenceMs} end; the others are predicted to the frame's time;
 * high-score detections are matched to them by IoU (Hungarian), then low-score detections to the tracks still
 * unmatched, under a stricter gate; every detection left over starts a new track at once, since consumers need
 * an id in the frame a face first appears. Unmatched tracks coast on their prediction until they are matched again
 * or end.
 *
 * <p>The tracker's clock never runs backwards: a frame older than the last one processed is handled as if it
 * arrived at the last frame's time (no prediction, its detections matched against the current boxes). The caller
 * orders frames; this only keeps a stray late frame from rewinding the filters or reviving ended tracks.
 *
 * <p>Not thread-safe; one instance per camera, kept whole in keyed state (it is {@link Serializable}).
 */
public final class FaceTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    private TrackerSettings settings;
    // Package-private for TrackFormat, which writes them to state.
    final ArrayList<Track> tracks = new ArrayList<>();
    long nextTrackId = 1;
    long lastFrameMs;
    boolean anyFrame;

    public FaceTracker(TrackerSettings settings) {
        this(settings, 1);
    }

    /** A tracker whose first track is {@code firstTrackId} (ids of an earlier tracker of the camera must not repeat). */
    public FaceTracker(TrackerSettings settings, long firstTrackId) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
        this.nextTrackId = firstTrackId;
    }

    /** A tracker as read back from state: {@link #reconfigure} gives it its settings before any use. */
    FaceTracker(long nextTrackId, long lastFrameMs, boolean anyFrame) {
        this.nextTrackId = nextTrackId;
        this.lastFrameMs = lastFrameMs;
        this.anyFrame = anyFrame;
    }

    /** Forgets every track's appearance (another recognizer's embeddings follow): tracks go on by position alone. */
    public void forgetAppearances() {
        tracks.forEach(track -> track.appearance = null);
    }

    /**
     * Forgets the tracker's time, so that the next frame may be earlier than the last one (the camera's clock was set
     * back); only once every track has ended (see {@link #expire}), and track ids go on from where they were.
     */
    public void restartClock() {
        if (!tracks.isEmpty()) {
            throw new IllegalStateException(tracks.size() + " tracks are still live");
        }
        anyFrame = false;
        lastFrameMs = 0;
    }

    /** Associates one frame's detections with the tracks; returns each detection's track and the tracks ended. */
    public TrackerStep step(long timestampMs, List<Detection> detections) {
        long nowMs = anyFrame ? Math.max(timestampMs, lastFrameMs) : timestampMs;
        List<EndedTrack> ended = expire(nowMs);
        long elapsedMs = anyFrame ? nowMs - lastFrameMs : 0;
        for (Track track : tracks) {
            track.predict(elapsedMs);
        }
        anyFrame = true;
        lastFrameMs = nowMs;

        int[] trackOfDetection = associate(detections);
        List<Long> ids = new ArrayList<>(detections.size());
        for (int d = 0; d < detections.size(); d++) {
            Detection detection = detections.get(d);
            Track track;
            if (trackOfDetection[d] == Assignment.UNMATCHED) {
                track = new Track(nextTrackId++, detection.box(), detection.appearance(), nowMs);
                tracks.add(track);
            } else {
                track = tracks.get(trackOfDetection[d]);
                track.matched(detection.box(), detection.appearance(), nowMs);
            }
            ids.add(track.id());
        }
        return new TrackerStep(ids, ended);
    }

    /**
     * Ends the tracks not matched for more than {@code maxAbsenceMs} before {@code nowMs}, for a camera whose
     * frames stopped; each track is reported once, here or in a later {@link #step}.
     */
    public List<EndedTrack> expire(long nowMs) {
        List<EndedTrack> ended = new ArrayList<>();
        tracks.removeIf(track -> {
            boolean idle = track.idlePast(nowMs, settings.maxAbsenceMs());
            if (idle) {
                ended.add(track.ended());
            }
            return idle;
        });
        return ended;
    }

    /** The earliest event time at which {@link #expire} would end a track, for an event-time timer; empty when none. */
    public OptionalLong nextExpiryMs() {
        return tracks.stream().mapToLong(t -> t.lastSeenMs() + settings.maxAbsenceMs() + 1).min();
    }

    public int activeTracks() {
        return tracks.size();
    }

    public TrackerSettings settings() {
        return settings;
    }

    /** Applies settings changed since this tracker was saved (a job restored with new configuration). */
    public void reconfigure(TrackerSettings changed) {
        if (changed == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = changed;
    }

    /** Whether two faces may be the same person; true when either embedding is unknown. */
    private boolean looksAlike(float[] trackAppearance, float[] detectionAppearance) {
        if (trackAppearance == null || detectionAppearance == null || trackAppearance.length != detectionAppearance.length) {
            return true;
        }
        double dot = 0;
        for (int i = 0; i < trackAppearance.length; i++) {
            dot += trackAppearance[i] * detectionAppearance[i];
        }
        return dot >= settings.minAppearanceSimilarity();
    }

    /** The index in {@code tracks} of each detection's track, or UNMATCHED; high scores first, then low. */
    private int[] associate(List<Detection> detections) {
        int[] trackOfDetection = new int[detections.size()];
        Arrays.fill(trackOfDetection, Assignment.UNMATCHED);
        boolean[] trackTaken = new boolean[tracks.size()];
        List<FaceBox> predicted = tracks.stream().map(Track::predictedBox).toList();
        matchPass(detections, true, settings.minIou(), predicted, trackTaken, trackOfDetection);
        matchPass(detections, false, settings.lowScoreMinIou(), predicted, trackTaken, trackOfDetection);
        return trackOfDetection;
    }

    private void matchPass(List<Detection> detections, boolean highScorePass, double minIou, List<FaceBox> predicted,
            boolean[] trackTaken, int[] trackOfDetection) {
        List<Integer> dets = new ArrayList<>();
        for (int d = 0; d < detections.size(); d++) {
            if ((detections.get(d).score() >= settings.highScore()) == highScorePass) {
                dets.add(d);
            }
        }
        List<Integer> free = new ArrayList<>();
        for (int t = 0; t < trackTaken.length; t++) {
            if (!trackTaken[t]) {
                free.add(t);
            }
        }
        double[][] cost = new double[free.size()][dets.size()];
        for (int i = 0; i < free.size(); i++) {
            for (int j = 0; j < dets.size(); j++) {
                Detection detection = detections.get(dets.get(j));
                boolean looksAlike = looksAlike(tracks.get(free.get(i)).appearance(), detection.appearance());
                // A different person where the track's face was (a cut, a crossing) starts a track of their own.
                cost[i][j] = looksAlike ? 1 - predicted.get(free.get(i)).iou(detection.box()) : Double.POSITIVE_INFINITY;
            }
        }
        int[] match = Assignment.solve(cost, 1 - minIou);
        for (int i = 0; i < free.size(); i++) {
            if (match[i] != Assignment.UNMATCHED) {
                trackTaken[free.get(i)] = true;
                trackOfDetection[dets.get(match[i])] = free.get(i);
            }
        }
    }
}
