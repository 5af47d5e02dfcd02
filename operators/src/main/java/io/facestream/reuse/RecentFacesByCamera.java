package io.facestream.reuse;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each camera's {@link RecentFaces}, bounded together: at most {@code maxFaces} faces remembered over all cameras
 * (about 3.3 kB each: an embedding and a thumbnail), the cameras used longest ago giving up their faces first, and a
 * camera not seen for longer than a face may be reused is forgotten at once. Invented camera ids therefore cost at
 * most the budget, and a camera that went away costs nothing. Thread-safe.
 */
public final class RecentFacesByCamera {
    private final ReuseSettings settings;
    private final int maxFaces;
    private final AtomicInteger faces = new AtomicInteger();
    private final LinkedHashMap<String, Camera> cameras = new LinkedHashMap<>(16, 0.75f, true);

    private record Camera(RecentFaces faces, long[] lastUsedMs) {
    }

    public RecentFacesByCamera(ReuseSettings settings, int maxFaces) {
        if (maxFaces < 1) {
            throw new IllegalArgumentException("maxFaces must be positive, was " + maxFaces);
        }
        this.settings = settings;
        this.maxFaces = maxFaces;
    }

    /** The camera's cache, used at {@code nowMs} (this machine's clock); other cameras may lose theirs. */
    public synchronized RecentFaces of(String camera, long nowMs) {
        Camera entry = cameras.get(camera);
        if (entry == null) {
            entry = new Camera(new RecentFaces(settings, faces), new long[1]);
            cameras.put(camera, entry);
        }
        entry.lastUsedMs()[0] = nowMs;
        Iterator<Map.Entry<String, Camera>> eldest = cameras.entrySet().iterator();
        while (eldest.hasNext()) {
            Camera oldest = eldest.next().getValue();
            boolean silent = nowMs - oldest.lastUsedMs()[0] > settings.maxGapMs();
            if (oldest == entry || !silent && faces.get() <= maxFaces) {
                break;
            }
            oldest.faces().clear();
            eldest.remove();
        }
        return entry.faces();
    }

    /** Faces remembered over all cameras (may exceed the budget by one camera's faces until its next use). */
    public int faces() {
        return faces.get();
    }

    public synchronized int cameras() {
        return cameras.size();
    }
}
