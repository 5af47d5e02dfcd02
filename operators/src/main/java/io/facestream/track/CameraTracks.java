package io.facestream.track;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The sightings of one camera: follows its faces frame by frame ({@link FaceTracker}), names each track by a vote
 * over its faces' recognitions ({@link IdentityVote}) and says when a sighting opens, changes and closes. Frames
 * must come in capture order; the caller (the job's sightings operator) sorts them by event time.
 *
 * <p>A track that ends unnamed hands back its best faces ({@link UnnamedTrack}) for matching back in time; a live
 * unnamed track is matched against a new enrollment here ({@link #enrolled}). Not thread-safe; kept whole in keyed
 * state, one per camera.
 */
public final class CameraTracks implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What a step produced: sightings to write, and unnamed tracks to keep for matching back in time. */
    public record Update(List<Sighting> sightings, List<UnnamedTrack> unnamed) {
        static final Update NONE = new Update(List.of(), List.of());

        public boolean isEmpty() {
            return sightings.isEmpty() && unnamed.isEmpty();
        }
    }

    // Package-private for TrackFormat, which writes them to state.
    final String camera;
    private SightingSettings settings;
    final FaceTracker tracker;
    final HashMap<Long, TrackState> live = new HashMap<>();
    long lastFrameMs = Long.MIN_VALUE;
    /** The recognizer of the embeddings the tracks hold (appearances, kept faces); null until told. */
    String model;

    public CameraTracks(String camera, SightingSettings settings) {
        this(camera, settings, 1);
    }

    /**
     * A camera's tracks numbered from {@code firstTrackId}: a camera whose state was dropped while it was silent starts
     * again with ids no earlier incarnation of it used (its kept unnamed tracks are found by id).
     */
    public CameraTracks(String camera, SightingSettings settings, long firstTrackId) {
        this.camera = camera;
        this.settings = settings;
        this.tracker = new FaceTracker(settings.tracker(), firstTrackId);
    }

    /** A camera's tracks as read back from state: {@link #reconfigure} gives them their settings before any use. */
    CameraTracks(String camera, FaceTracker tracker, long lastFrameMs) {
        this.camera = camera;
        this.tracker = tracker;
        this.lastFrameMs = lastFrameMs;
    }

    /**
     * The recognizer whose embeddings this camera's faces carry from now on. Another one's (the job restarted with
     * another recognizer) are never compared with them: the tracks forget their faces' appearance and go on by
     * position, and live unnamed tracks drop the faces they kept, which no one enrolled with this recognizer could be
     * found in. State from before recognizers were recorded is taken to be this recognizer's.
     */
    public void useRecognizer(String recognizer) {
        if (model != null && !model.equals(recognizer)) {
            tracker.forgetAppearances();
            live.values().forEach(track -> track.kept.faces.clear());
        }
        model = recognizer;
    }

    /** One frame's faces, in capture order: the sightings it opens, changes or (by absence) closes. */
    public Update frame(long frameSeq, long timestampMs, List<TrackedFace> faces) {
        List<Detection> detections = new ArrayList<>(faces.size());
        for (TrackedFace face : faces) {
            detections.add(new Detection(face.box(), face.detectionScore(), face.embedding()));
        }
        TrackerStep step = tracker.step(timestampMs, detections);
        long now = Math.max(timestampMs, lastFrameMs);
        lastFrameMs = now;
        List<Sighting> sightings = new ArrayList<>();
        List<UnnamedTrack> unnamed = new ArrayList<>();
        for (EndedTrack ended : step.ended()) {
            end(ended, sightings, unnamed);
        }
        for (int i = 0; i < faces.size(); i++) {
            long trackId = step.trackId(i);
            TrackState track = live.computeIfAbsent(trackId, id -> new TrackState(id, now, settings.vote()));
            if (track.retired) {
                continue;
            }
            TrackedFace face = faces.get(i);
            track.observe(face.observation(now, frameSeq), face, settings.keptFaces());
            boolean wasNamed = track.personId != null;
            if (track.decide(track.vote.decide())) {
                sightings.add(track.sighting(camera, wasNamed ? Sighting.State.UPDATE : Sighting.State.OPEN, false));
            }
        }
        return new Update(sightings, unnamed);
    }

    /** Ends the tracks absent for longer than the limit at event time {@code nowMs} (a camera that stopped). */
    public Update expire(long nowMs) {
        List<EndedTrack> ended = tracker.expire(nowMs);
        if (ended.isEmpty()) {
            return Update.NONE;
        }
        List<Sighting> sightings = new ArrayList<>();
        List<UnnamedTrack> unnamed = new ArrayList<>();
        for (EndedTrack track : ended) {
            end(track, sightings, unnamed);
        }
        return new Update(sightings, unnamed);
    }

    /** Ends every live track now, whatever its absence: the camera's stream is over or has gone quiet. */
    public Update closeAll() {
        return expire(Long.MAX_VALUE);
    }

    /**
     * The camera's clock was set back: every track ends now, and the next frame may be earlier than the last one.
     */
    public Update restartClock() {
        Update closed = closeAll();
        tracker.restartClock();
        lastFrameMs = Long.MIN_VALUE;
        return closed;
    }

    /**
     * The live unnamed tracks that could be named by matching their kept faces against a new person (at least
     * {@code minFaces} faces kept): track id to the kept faces' embeddings.
     */
    public java.util.Map<Long, float[][]> liveUnnamedFaces() {
        java.util.Map<Long, float[][]> faces = new HashMap<>();
        for (TrackState track : live.values()) {
            if (track.personId == null && !track.retired && !track.forgetFaces && canBeNamedBack(track.kept.size())) {
                faces.put(track.trackId, track.kept.list().stream().map(KeptFace::embedding).toArray(float[][]::new));
            }
        }
        return faces;
    }

    /** Everyone the live tracks mention: named, or with votes; what a deletion of one of them must visit. */
    public java.util.Set<String> mentionedPeople() {
        java.util.Set<String> people = new java.util.HashSet<>();
        for (TrackState track : live.values()) {
            if (!track.retired) {
                track.mentioned(people);
            }
        }
        return people;
    }

    /** The event time at which {@link #expire} would next end a track; Long.MAX_VALUE when none is live. */
    public long nextExpiryMs() {
        return tracker.nextExpiryMs().orElse(Long.MAX_VALUE);
    }

    /**
     * A person was enrolled: live unnamed tracks whose kept faces vote for them are named now, each an
     * {@link Sighting.State#OPEN} sighting with {@code retroactive} set.
     */
    public List<Sighting> enrolled(String personId, String name, float[][] embeddings) {
        List<Sighting> sightings = new ArrayList<>();
        for (TrackState track : live.values()) {
            if (track.personId != null || track.retired || track.kept.isEmpty()) {
                continue;
            }
            IdentityVote vote = KeptFaces.voteFor(track.kept.list(), personId, embeddings, settings.matchThreshold(),
                    settings.vote());
            IdentityDecision decision = vote.decide();
            if (decision.decided()) {
                track.nameBack(vote, decision, name);
                sightings.add(track.sighting(camera, Sighting.State.OPEN, true));
            }
        }
        return sightings;
    }

    /**
     * A person was deleted: their live sightings close now, and those tracks say nothing more until they end, so
     * nothing about the person is written after the deletion. Live unnamed tracks whose kept faces resemble the
     * person's last embeddings ({@code previousEmbeddings}, may be empty) forget those faces.
     */
    public List<Sighting> deleted(String personId, float[][] previousEmbeddings) {
        List<Sighting> sightings = new ArrayList<>();
        for (TrackState track : live.values()) {
            track.forget(personId); // no vote or name of theirs may name a track after the deletion
            if (track.named() && track.personId.equals(personId)) {
                sightings.add(track.sighting(camera, Sighting.State.CLOSED, false));
                track.retired = true;
                track.kept.clear();
            } else if (track.personId == null && !track.kept.isEmpty()
                    && KeptFaces.anyResembles(track.kept.list(), previousEmbeddings, settings.matchThreshold())) {
                track.kept.clear();
                track.forgetFaces = true;
            }
        }
        return sightings;
    }

    public int liveTracks() {
        return live.size();
    }

    public String camera() {
        return camera;
    }

    /** Applies settings changed since this state was saved (a job restored with new configuration). */
    public void reconfigure(SightingSettings changed) {
        if (changed.equals(settings)) {
            return;
        }
        settings = changed;
        tracker.reconfigure(changed.tracker());
        live.values().forEach(track -> track.vote.reconfigure(changed.vote()));
    }

    /** Fewer kept faces than a vote needs could never name the track: not worth keeping, nor indexing. */
    private boolean canBeNamedBack(int keptFaces) {
        return keptFaces > 0 && keptFaces >= settings.vote().minFaces();
    }

    private void end(EndedTrack ended, List<Sighting> sightings, List<UnnamedTrack> unnamed) {
        TrackState track = live.remove(ended.trackId());
        if (track == null || track.retired) {
            return;
        }
        track.lastSeen = Math.max(track.lastSeen, ended.lastSeenMs());
        if (track.personId != null) {
            sightings.add(track.sighting(camera, Sighting.State.CLOSED, false));
            return;
        }
        if (settings.emitUnknown() && track.faces >= settings.vote().minFaces()) {
            sightings.add(track.sighting(camera, Sighting.State.CLOSED, false));
        }
        if (canBeNamedBack(track.kept.size()) && !track.forgetFaces) {
            unnamed.add(new UnnamedTrack(camera, track.trackId, track.firstSeen, track.lastSeen, track.faces,
                    track.kept.list(), model));
        }
    }
}
