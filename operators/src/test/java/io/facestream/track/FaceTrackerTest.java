package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaceTrackerTest {
    private static final TrackerSettings SETTINGS = TrackerSettings.defaults(); // 2 s absence, split at 0.8
    private static final long FRAME_MS = 100;

    static Detection face(double cx, double cy, double size) {
        return face(cx, cy, size, 0.95);
    }

    static Detection face(double cx, double cy, double size, double score) {
        return new Detection(FaceBox.ofCentre(cx, cy, size, size), score);
    }

    @Test
    void oneFaceMovingSteadilyKeepsOneId() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        Set<Long> ids = new HashSet<>();
        for (int k = 0; k < 50; k++) {
            TrackerStep step = tracker.step(k * FRAME_MS, List.of(face(100 + 15 * k, 300 + 2 * k, 80)));
            ids.add(step.trackId(0));
            assertThat(step.ended()).isEmpty();
        }
        assertThat(ids).containsExactly(1L);
        assertThat(tracker.activeTracks()).isEqualTo(1);
    }

    @Test
    void aFaceEnteringLaterGetsANewIdAndTheFirstKeepsItsOwn() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 10; k++) {
            assertThat(tracker.step(k * FRAME_MS, List.of(face(200, 200, 80))).trackIds()).containsExactly(1L);
        }
        for (int k = 10; k < 20; k++) {
            // The newcomer listed first: ids follow the faces, not the input order.
            TrackerStep step = tracker.step(k * FRAME_MS, List.of(face(600, 220, 70), face(200, 200, 80)));
            assertThat(step.trackIds()).containsExactly(2L, 1L);
        }
    }

    @Test
    void aFaceMissedForAFewFramesKeepsItsId() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 30; k++) {
            List<Detection> frame = (k >= 12 && k < 17) ? List.of() : List.of(face(100 + 10 * k, 300, 80));
            TrackerStep step = tracker.step(k * FRAME_MS, frame);
            assertThat(step.ended()).isEmpty();
            if (!frame.isEmpty()) {
                assertThat(step.trackId(0)).isEqualTo(1L);
            }
        }
    }

    @Test
    void aFaceGoneLongerThanTheLimitEndsOnceAndALaterFaceGetsANewId() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 5; k++) {
            tracker.step(k * FRAME_MS, List.of(face(300, 300, 80)));
        }
        long lastSeen = 4 * FRAME_MS;
        // Frames without faces up to exactly the limit: the track lives on.
        for (long t = lastSeen + FRAME_MS; t <= lastSeen + SETTINGS.maxAbsenceMs(); t += FRAME_MS) {
            assertThat(tracker.step(t, List.of()).ended()).isEmpty();
        }
        assertThat(tracker.activeTracks()).isEqualTo(1);
        long back = lastSeen + SETTINGS.maxAbsenceMs() + FRAME_MS;
        TrackerStep step = tracker.step(back, List.of(face(300, 300, 80)));
        assertThat(step.ended()).containsExactly(new EndedTrack(1, 0, lastSeen, 5));
        assertThat(step.trackIds()).containsExactly(2L);
        assertThat(tracker.step(back + FRAME_MS, List.of(face(300, 300, 80))).ended()).isEmpty();
    }

    @Test
    void twoFacesCrossingKeepTheirIds() {
        // Same row, 20 px per frame towards each other, boxes of 60: they overlap for several frames and
        // swap sides between frames 10 and 11. Without the velocity, frame 11's nearest boxes are the swapped ones.
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 22; k++) {
            TrackerStep step = tracker.step(k * FRAME_MS, List.of(face(20 * k, 300, 60), face(410 - 20 * k, 300, 60)));
            assertThat(step.trackIds()).as("frame %d", k).containsExactly(1L, 2L);
        }
    }

    @Test
    void aFaceHiddenBehindAnotherWhileCrossingKeepsItsId() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 22; k++) {
            List<Detection> frame = new ArrayList<>();
            if (k < 9 || k > 12) {
                frame.add(face(20 * k, 300, 60)); // hidden while behind the other face
            }
            frame.add(face(410 - 20 * k, 300, 60));
            TrackerStep step = tracker.step(k * FRAME_MS, frame);
            List<Long> expected = frame.size() == 2 ? List.of(1L, 2L) : List.of(2L);
            assertThat(step.trackIds()).as("frame %d", k).isEqualTo(expected);
        }
    }

    @Test
    void fiveStillFacesGetFiveDistinctStableIds() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        Random jitter = new Random(42);
        List<Long> first = null;
        for (int k = 0; k < 40; k++) {
            List<Detection> frame = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                frame.add(face(100 + 120 * i + jitter.nextGaussian() * 2, 300 + jitter.nextGaussian() * 2,
                        90 + jitter.nextGaussian() * 2, 0.85 + 0.1 * jitter.nextDouble()));
            }
            List<Long> ids = tracker.step(k * FRAME_MS + jitter.nextInt(30), frame).trackIds();
            if (first == null) {
                first = ids;
                assertThat(new HashSet<>(ids)).hasSize(5);
            }
            assertThat(ids).as("frame %d", k).isEqualTo(first);
        }
    }

    @Test
    void expireEndsIdleTracksWithoutAFrameAndReportsThemOnce() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        tracker.step(0, List.of(face(100, 100, 80), face(400, 100, 80)));
        tracker.step(500, List.of(face(400, 100, 80)));
        assertThat(tracker.nextExpiryMs()).hasValue(SETTINGS.maxAbsenceMs() + 1);

        assertThat(tracker.expire(SETTINGS.maxAbsenceMs())).isEmpty();
        assertThat(tracker.expire(SETTINGS.maxAbsenceMs() + 1)).containsExactly(new EndedTrack(1, 0, 0, 1));
        assertThat(tracker.expire(SETTINGS.maxAbsenceMs() + 1)).isEmpty();
        assertThat(tracker.expire(500 + SETTINGS.maxAbsenceMs() + 1)).containsExactly(new EndedTrack(2, 0, 500, 2));
        assertThat(tracker.activeTracks()).isZero();
        assertThat(tracker.nextExpiryMs()).isEmpty();
        // Nothing is reported again by the next frame.
        assertThat(tracker.step(10_000, List.of()).ended()).isEmpty();
    }

    @Test
    void aLowScoreFrameKeepsTheTrackThroughTheSecondPass() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 10; k++) {
            tracker.step(k * FRAME_MS, List.of(face(100 + 10 * k, 300, 80, 0.95)));
        }
        // Half turned away: the detector is unsure, but the box is where the track goes.
        TrackerStep weak = tracker.step(10 * FRAME_MS, List.of(face(200, 300, 80, 0.55)));
        assertThat(weak.trackIds()).containsExactly(1L);
        assertThat(tracker.step(11 * FRAME_MS, List.of(face(210, 300, 80, 0.95))).trackIds()).containsExactly(1L);
    }

    @Test
    void highScoreDetectionsAreMatchedBeforeLowScoreOnes() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 5; k++) {
            tracker.step(k * FRAME_MS, List.of(face(300, 300, 100)));
        }
        // The weak box overlaps the track better (IoU ~0.9) than the strong one (IoU ~0.5), yet the strong one,
        // matched in the first pass, takes the track; the weak one is left for a new track.
        TrackerStep step = tracker.step(5 * FRAME_MS, List.of(face(302, 300, 100, 0.5), face(330, 300, 100, 0.95)));
        assertThat(step.trackIds()).containsExactly(2L, 1L);
    }

    @Test
    void aLowScoreDetectionNeedsTheStricterIou() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 5; k++) {
            tracker.step(k * FRAME_MS, List.of(face(300, 300, 100)));
        }
        // IoU with the track about 0.43: enough for a strong detection (0.3), not for a weak one (0.5).
        assertThat(tracker.step(5 * FRAME_MS, List.of(face(340, 300, 100, 0.5))).trackIds()).containsExactly(2L);
        FaceTracker other = new FaceTracker(SETTINGS);
        for (int k = 0; k < 5; k++) {
            other.step(k * FRAME_MS, List.of(face(300, 300, 100)));
        }
        assertThat(other.step(5 * FRAME_MS, List.of(face(340, 300, 100, 0.9))).trackIds()).containsExactly(1L);
    }

    @Test
    void aFrameOlderThanTheLastDoesNotCorruptState() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        for (int k = 0; k < 10; k++) {
            tracker.step(k * FRAME_MS, List.of(face(100 + 10 * k, 300, 80)));
        }
        // A stray frame from one frame back is handled as if at the latest time: no rewinding, same face, same id.
        TrackerStep late = tracker.step(8 * FRAME_MS, List.of(face(180, 300, 80)));
        assertThat(late.trackIds()).containsExactly(1L);
        assertThat(late.ended()).isEmpty();
        for (int k = 10; k < 20; k++) {
            assertThat(tracker.step(k * FRAME_MS, List.of(face(100 + 10 * k, 300, 80))).trackIds())
                    .as("frame %d", k).containsExactly(1L);
        }
        assertThat(tracker.nextExpiryMs()).hasValue(19 * FRAME_MS + SETTINGS.maxAbsenceMs() + 1);
    }

    @Test
    void idsIncreaseAcrossNewFacesInInputOrder() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        assertThat(tracker.step(0, List.of(face(100, 100, 50), face(300, 100, 50), face(500, 100, 50))).trackIds())
                .containsExactly(1L, 2L, 3L);
        assertThat(tracker.step(100, List.of(face(700, 100, 50), face(300, 100, 50))).trackIds())
                .containsExactly(4L, 2L);
    }

    @Test
    void anEmptyFirstFrameAndNoDetectionsAreFine() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        TrackerStep step = tracker.step(1_000, List.of());
        assertThat(step.trackIds()).isEmpty();
        assertThat(step.ended()).isEmpty();
        assertThat(tracker.nextExpiryMs()).isEmpty();
    }

    /** A unit vector along axis {@code axis}: embeddings of different people are far apart, of one person alike. */
    static float[] looks(int axis) {
        float[] embedding = new float[8];
        embedding[axis] = 1;
        return embedding;
    }

    @Test
    void aDifferentPersonInTheSamePlaceStartsANewTrackWhenEmbeddingsAreGiven() {
        FaceTracker tracker = new FaceTracker(SETTINGS);
        FaceBox place = FaceBox.ofCentre(300, 300, 90, 90);
        for (int k = 0; k < 5; k++) {
            assertThat(tracker.step(k * FRAME_MS, List.of(new Detection(place, 0.95, looks(0)))).trackIds())
                    .containsExactly(1L);
        }
        // A cut: someone else, framed the same way. Boxes alone would continue track 1.
        for (int k = 5; k < 10; k++) {
            assertThat(tracker.step(k * FRAME_MS, List.of(new Detection(place, 0.95, looks(1)))).trackIds())
                    .containsExactly(2L);
        }
    }
}
