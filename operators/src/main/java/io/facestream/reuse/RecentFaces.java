package io.facestream.reuse;

import io.facestream.track.FaceBox;
import java.util.ArrayList;
import java.util.List;

/**
 * The faces one camera showed lately, with their embeddings, so that a face that has not changed is not embedded
 * again (as DeepStream's secondary models skip an object until it grows or an interval passes). A face reuses an
 * earlier embedding when it overlaps the remembered face, still looks like it did when it was embedded (thumbnail
 * resemblance), is not notably larger, more frontal or sharper, was seen within {@code maxGapMs}, and the embedding
 * has been reused fewer than {@code reembedEveryFrames - 1} times.
 *
 * <p>A cache, not state: frames of one camera may be analysed concurrently and slightly out of order, which costs
 * at most an extra embedding. Thread-safe.
 */
public final class RecentFaces {
    /** More than a frame can hold (detector.max-faces), so a crowded frame does not evict its own faces. */
    static final int CAPACITY = 128;

    private final ReuseSettings settings;
    private final List<Remembered> faces = new ArrayList<>();
    /** Faces remembered by every camera's cache together ({@link RecentFacesByCamera}); this one's are included. */
    private final java.util.concurrent.atomic.AtomicInteger allCameras;
    /** Cleared by the cache: faces of frames still in flight are no longer remembered or counted. */
    private boolean detached;

    public RecentFaces(ReuseSettings settings) {
        this(settings, new java.util.concurrent.atomic.AtomicInteger());
    }

    RecentFaces(ReuseSettings settings, java.util.concurrent.atomic.AtomicInteger allCameras) {
        this.settings = settings;
        this.allCameras = allCameras;
    }

    /**
     * For each face, the earlier embedding it may use (and which it claims: one embedding serves one face per
     * frame), or null where it must be embedded.
     */
    public synchronized float[][] reusable(long timestampMs, List<FaceLook> looks) {
        float[][] reused = new float[looks.size()][];
        if (!settings.enabled()) {
            return reused;
        }
        int before = faces.size();
        faces.removeIf(face -> timestampMs - face.lastSeenMs > settings.maxGapMs());
        allCameras.addAndGet(faces.size() - before);
        boolean[] claimed = new boolean[faces.size()];
        for (int i = 0; i < looks.size(); i++) {
            FaceLook look = looks.get(i);
            int best = -1;
            double bestIou = ReuseSettings.MIN_IOU;
            for (int f = 0; f < faces.size(); f++) {
                double iou = faces.get(f).look.box().iou(look.box());
                if (!claimed[f] && iou >= bestIou) {
                    best = f;
                    bestIou = iou;
                }
            }
            if (best >= 0 && stillStandsFor(faces.get(best), look, timestampMs)) {
                Remembered face = faces.get(best);
                claimed[best] = true;
                face.reuses++;
                face.lastSeenMs = Math.max(face.lastSeenMs, timestampMs);
                face.box = look.box();
                reused[i] = face.embedding;
            }
        }
        return reused;
    }

    /** Remembers a face just embedded, in place of the remembered face it overlaps most. */
    public synchronized void embedded(long timestampMs, FaceLook look, float[] embedding) {
        if (!settings.enabled() || detached) {
            return; // a frame analysed while its camera gave up its room: nothing to count in the shared budget
        }
        Remembered replaced = null;
        double bestIou = ReuseSettings.MIN_IOU;
        for (Remembered face : faces) {
            double iou = face.box.iou(look.box());
            if (iou >= bestIou) {
                replaced = face;
                bestIou = iou;
            }
        }
        if (replaced != null) {
            faces.remove(replaced);
        } else if (faces.size() >= CAPACITY) {
            faces.remove(faces.stream().min(java.util.Comparator.comparingLong(f -> f.lastSeenMs)).orElseThrow());
        } else {
            allCameras.incrementAndGet();
        }
        faces.add(new Remembered(look, embedding, timestampMs));
    }

    public synchronized int size() {
        return faces.size();
    }

    /** Forgets every face for good (the cache gives this camera's room to others; frames in flight keep nothing). */
    synchronized void clear() {
        allCameras.addAndGet(-faces.size());
        faces.clear();
        detached = true;
    }

    private boolean stillStandsFor(Remembered face, FaceLook now, long timestampMs) {
        FaceLook then = face.look;
        return face.reuses < settings.reembedEveryFrames() - 1
                && Math.abs(timestampMs - face.lastSeenMs) <= settings.maxGapMs()
                && now.resemblance(then) >= settings.minResemblance()
                && now.sizePx() < then.sizePx() * ReuseSettings.SIZE_GAIN
                && now.frontal() < then.frontal() + ReuseSettings.FRONTAL_GAIN
                && now.sharpness() < then.sharpness() * ReuseSettings.SHARPNESS_GAIN;
    }

    /** A face as it was when embedded ({@code look}), where it was last seen ({@code box}) and how often reused. */
    private static final class Remembered {
        final FaceLook look;
        final float[] embedding;
        FaceBox box;
        long lastSeenMs;
        int reuses;

        Remembered(FaceLook look, float[] embedding, long timestampMs) {
            this.look = look;
            this.embedding = embedding;
            this.box = look.box();
            this.lastSeenMs = timestampMs;
        }
    }
}
