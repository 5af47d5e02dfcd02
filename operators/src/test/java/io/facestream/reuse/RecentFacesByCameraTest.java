package io.facestream.reuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedding-reuse caches of all cameras, bounded together. */
class RecentFacesByCameraTest {
    private static final ReuseSettings SETTINGS = new ReuseSettings(10, 0.92, 2_000);

    static List<FaceLook> crowd(int faces) {
        List<FaceLook> looks = new ArrayList<>();
        for (int i = 0; i < faces; i++) {
            looks.add(RecentFacesTest.look(60 + 130 * i, 100, 0.7, 50, i));
        }
        return looks;
    }

    @Test
    void inventedCamerasCostAtMostTheBudget() {
        RecentFacesByCamera caches = new RecentFacesByCamera(SETTINGS, 1_000);
        for (int c = 0; c < 5_000; c++) {
            RecentFacesTest.frame(caches.of("invented-" + c + "-" + "x".repeat(200), 1_000), 1_000, crowd(8));
        }
        assertThat(caches.faces()).isLessThanOrEqualTo(1_000 + RecentFaces.CAPACITY);
        assertThat(caches.cameras()).isLessThanOrEqualTo(1_000 / 8 + 1);
    }

    @Test
    void aCameraNotSeenForLongerThanAFaceMayBeReusedIsForgotten() {
        RecentFacesByCamera caches = new RecentFacesByCamera(SETTINGS, 1_000);
        RecentFacesTest.frame(caches.of("gone", 1_000), 1_000, crowd(4));
        RecentFacesTest.frame(caches.of("here", 3_001), 3_001, crowd(4));
        assertThat(caches.cameras()).isEqualTo(1);
        assertThat(caches.faces()).isEqualTo(4);
    }

    @Test
    void aCameraInUseKeepsItsFacesAndReusesThem() {
        RecentFacesByCamera caches = new RecentFacesByCamera(SETTINGS, 1_000);
        assertThat(RecentFacesTest.frame(caches.of("door", 1_000), 1_000, crowd(3))).isEqualTo(3);
        RecentFacesTest.frame(caches.of("hall", 1_100), 1_100, crowd(3));
        assertThat(RecentFacesTest.frame(caches.of("door", 1_200), 1_200, crowd(3))).as("reused").isZero();
    }

    @Test
    void aFrameStillInFlightWhenItsCameraGaveUpItsRoomCountsNothing() {
        RecentFacesByCamera caches = new RecentFacesByCamera(SETTINGS, 1_000);
        RecentFaces slow = caches.of("slow", 1_000); // a frame of "slow" starts its analysis
        RecentFacesTest.frame(caches.of("here", 3_001), 3_001, crowd(4)); // meanwhile "slow" loses its room
        RecentFacesTest.frame(slow, 3_002, crowd(8)); // the frame finishes on the cache it was given
        assertThat(caches.faces()).as("the shared count: only the faces still remembered").isEqualTo(4);
        assertThat(slow.size()).isZero();
    }
}
