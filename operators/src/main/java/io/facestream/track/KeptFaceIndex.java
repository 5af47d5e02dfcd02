package io.facestream.track;

import io.facestream.match.SignCodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which unnamed tracks, on any camera, may show a person: the sign codes ({@link SignCodes}) of the faces each unnamed
 * track keeps for matching back in time, live tracks and tracks that ended within the retroactive window. An
 * enrollment or a deletion asks it for candidates and then compares exactly only their faces, read from their
 * camera's state, instead of reading every camera's tracks and every kept face.
 *
 * <p>Bounded: at most {@code capacity} ended tracks; adding one more gives back the oldest, which the caller erases
 * from state too (a privacy bound and a memory bound: about 400 bytes a track with five faces). Live tracks are bounded
 * by the cameras' own track limits. Kept in memory only and rebuilt from state when the operator starts. Not
 * thread-safe.
 */
public final class KeptFaceIndex {
    /** An unnamed track: live (in its camera's tracks) or ended (kept on its own). */
    public record TrackRef(String camera, long trackId, boolean live) {
    }

    private record Key(String camera, long trackId) {
    }

    private record Ended(long[] codes, long keptAtMs) {
    }

    private final int words;
    private final int maxDistance;
    private final int capacity;
    private final Map<String, Map<Long, long[]>> live = new HashMap<>();
    /** In the order they were kept: the oldest first, to give back when full or past the window. */
    private final LinkedHashMap<Key, Ended> ended = new LinkedHashMap<>();
    private int liveTracks;

    /** Faces of {@code dimension} values, compared at {@code matchThreshold}; at most {@code capacity} ended tracks. */
    public KeptFaceIndex(int dimension, double matchThreshold, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.words = SignCodes.words(dimension);
        this.maxDistance = SignCodes.maxDistanceFor(dimension, matchThreshold);
        this.capacity = capacity;
    }

    /** The live unnamed tracks of {@code camera} and their kept faces now (replacing what was known of them). */
    public void replaceLive(String camera, Map<Long, float[][]> faces) {
        Map<Long, long[]> previous = faces.isEmpty() ? live.remove(camera) : live.put(camera, codes(faces));
        liveTracks += faces.size() - (previous == null ? 0 : previous.size());
    }

    /**
     * A track that ended unnamed and is kept from {@code keptAtMs}; gives back the tracks that no longer fit (the
     * oldest), which the caller erases.
     */
    public List<TrackRef> addEnded(String camera, long trackId, float[][] faces, long keptAtMs) {
        ended.remove(new Key(camera, trackId));
        ended.put(new Key(camera, trackId), new Ended(codes(faces), keptAtMs));
        List<TrackRef> evicted = new ArrayList<>();
        Iterator<Map.Entry<Key, Ended>> oldest = ended.entrySet().iterator();
        while (ended.size() > capacity && oldest.hasNext()) {
            Key key = oldest.next().getKey();
            oldest.remove();
            evicted.add(new TrackRef(key.camera(), key.trackId(), false));
        }
        return evicted;
    }

    public void removeEnded(String camera, long trackId) {
        ended.remove(new Key(camera, trackId));
    }

    /** Forgets ended tracks kept before {@code oldestMs}: their state has expired (the retroactive window). */
    public void expireBefore(long oldestMs) {
        Iterator<Ended> oldest = ended.values().iterator();
        while (oldest.hasNext() && oldest.next().keptAtMs() < oldestMs) {
            oldest.remove();
        }
    }

    /**
     * The tracks with a kept face that may reach the threshold against any of {@code embeddings}: every such track is
     * among them (up to the codes' estimate), and a few others, which the exact comparison turns away.
     */
    public List<TrackRef> candidates(float[][] embeddings) {
        long[][] probes = new long[embeddings.length][];
        for (int i = 0; i < embeddings.length; i++) {
            probes[i] = SignCodes.of(embeddings[i]);
        }
        List<TrackRef> found = new ArrayList<>();
        for (Map.Entry<String, Map<Long, long[]>> camera : live.entrySet()) {
            for (Map.Entry<Long, long[]> track : camera.getValue().entrySet()) {
                if (near(track.getValue(), probes)) {
                    found.add(new TrackRef(camera.getKey(), track.getKey(), true));
                }
            }
        }
        for (Map.Entry<Key, Ended> track : ended.entrySet()) {
            if (near(track.getValue().codes(), probes)) {
                found.add(new TrackRef(track.getKey().camera(), track.getKey().trackId(), false));
            }
        }
        return found;
    }

    public int liveTracks() {
        return liveTracks;
    }

    public int endedTracks() {
        return ended.size();
    }

    private boolean near(long[] faces, long[][] probes) {
        for (int offset = 0; offset < faces.length; offset += words) {
            for (long[] probe : probes) {
                if (probe.length == words && SignCodes.distance(probe, 0, faces, offset, words) <= maxDistance) {
                    return true;
                }
            }
        }
        return false;
    }

    private Map<Long, long[]> codes(Map<Long, float[][]> faces) {
        Map<Long, long[]> codes = new HashMap<>();
        faces.forEach((trackId, embeddings) -> codes.put(trackId, codes(embeddings)));
        return codes;
    }

    private long[] codes(float[][] faces) {
        long[] codes = new long[faces.length * words];
        for (int i = 0; i < faces.length; i++) {
            if (faces[i] != null && SignCodes.words(faces[i].length) == words) { // another recognizer's: never near
                SignCodes.write(faces[i], codes, i * words);
            }
        }
        return codes;
    }
}
