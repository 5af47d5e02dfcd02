package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaceTrackerSerializationTest {
    /** Three faces: one walking right, one walking left, one still; the walker on the left vanishes at frame 25. */
    static List<Detection> frame(int k) {
        List<Detection> faces = new ArrayList<>();
        if (k < 25) {
            faces.add(FaceTrackerTest.face(50 + 12 * k, 200, 70));
        }
        faces.add(FaceTrackerTest.face(700 - 9 * k, 260, 64));
        faces.add(FaceTrackerTest.face(400, 500, 90, k % 4 == 0 ? 0.6 : 0.9));
        if (k >= 30) {
            faces.add(FaceTrackerTest.face(900, 100, 60));
        }
        return faces;
    }

    @Test
    void aRestoredTrackerGivesTheSameIdsAsTheOriginal() {
        FaceTracker original = new FaceTracker(TrackerSettings.defaults());
        for (int k = 0; k < 20; k++) {
            original.step(k * 100L, frame(k));
        }
        FaceTracker restored = Serialization.roundTrip(original);

        assertThat(restored.settings()).isEqualTo(original.settings());
        assertThat(restored.activeTracks()).isEqualTo(original.activeTracks());
        List<TrackerStep> fromOriginal = new ArrayList<>();
        List<TrackerStep> fromRestored = new ArrayList<>();
        for (int k = 20; k < 60; k++) {
            fromOriginal.add(original.step(k * 100L, frame(k)));
            fromRestored.add(restored.step(k * 100L, frame(k)));
        }
        assertThat(fromRestored).isEqualTo(fromOriginal);
        // The run exercised more than steady matching: a track ended and a new one began after the restore.
        assertThat(fromOriginal).anySatisfy(step -> assertThat(step.ended()).isNotEmpty());
        assertThat(fromOriginal.get(fromOriginal.size() - 1).trackIds()).contains(4L);
    }
}
