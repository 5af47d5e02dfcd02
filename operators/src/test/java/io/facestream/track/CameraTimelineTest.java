package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A camera's own time: its clock offset, what waits, when it is due, and the bounds on waiting. */
class CameraTimelineTest {
    static final TimelineSettings SETTINGS = TimelineSettings.of(2_000, 10, 60_000, 10_000);

    @Test
    void theClockOffsetIsTheLeastDelayOverTheLastOneToTwoWindows() {
        CameraClock clock = CameraClock.UNKNOWN.observe(1_000, 1_080, 10_000).observe(1_100, 1_150, 10_000)
                .observe(1_200, 1_400, 10_000);
        assertThat(clock.offsetMs()).isEqualTo(50);
        assertThat(clock.cameraTimeAt(5_000)).isEqualTo(4_950);
        assertThat(clock.processingTimeOf(4_950)).isEqualTo(5_000);
        // The camera's clock is set back by a minute: within two windows the old least offset is forgotten.
        clock = clock.observe(12_000 - 60_000, 12_050, 10_000);
        assertThat(clock.offsetMs()).as("the window before still counts").isEqualTo(50);
        clock = clock.observe(23_000 - 60_000, 23_050, 10_000);
        assertThat(clock.offsetMs()).isEqualTo(60_050);
        assertThat(CameraClock.UNKNOWN.offsetMs()).isZero();
        assertThat(clock.processingTimeOf(Long.MAX_VALUE)).as("saturates").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFrameWaitsForItsCamerasTimeToPassItsSliceByTheReorderTime() {
        CameraTimeline line = CameraTimeline.NEW.observed(1_050, 1_100, 0, SETTINGS).pend(1_050, 1_100, SETTINGS);
        assertThat(line.pending().end(0)).isEqualTo(1_199);
        assertThat(line.nextWake(0, SETTINGS)).as("1199 + 2000 on the camera's clock, offset 50").isEqualTo(3_249);
        assertThat(line.due(3_248, 0, SETTINGS).slices()).isZero();
        CameraTimeline.Due due = line.due(3_249, 0, SETTINGS);
        assertThat(due.slices()).isEqualTo(1);
        assertThat(due.framesOverBound()).isZero();
        line = line.released(due);
        assertThat(line.releasedThroughMs()).isEqualTo(1_199);
        assertThat(line.classify(1_199, SETTINGS)).isEqualTo(CameraTimeline.Arrival.LATE);
        assertThat(line.classify(1_200, SETTINGS)).isEqualTo(CameraTimeline.Arrival.PENDING);
        assertThat(line.classify(1_199 - 60_001, SETTINGS)).isEqualTo(CameraTimeline.Arrival.CLOCK_SET_BACK);
    }

    @Test
    void tooManyFramesWaitingReleaseTheOldestSlicesAndCountThem() {
        CameraTimeline line = CameraTimeline.NEW.observed(1_000, 1_050, 0, SETTINGS);
        for (int k = 0; k < 12; k++) {
            line = line.pend(1_000 + 100L * k, 1_050, SETTINGS); // 6 slices of 2 frames
        }
        CameraTimeline.Due due = line.due(1_050, 0, SETTINGS);
        assertThat(due.slices()).as("12 waiting, 10 allowed: the oldest slice goes").isEqualTo(1);
        assertThat(due.framesOverBound()).isEqualTo(2);
        assertThat(due.releasedThroughMs()).isEqualTo(1_199);
    }

    @Test
    void noFrameWaitsLongerThanTheMaximumWhateverTheClockSays() {
        // Arrivals slow down steadily: the least offset, from the first frame, no longer reaches the later ones.
        CameraTimeline line = CameraTimeline.NEW.observed(1_000, 1_050, 0, SETTINGS).pend(1_000, 1_050, SETTINGS);
        assertThat(SETTINGS.maxWaitMs()).isEqualTo(4_200);
        assertThat(line.nextWake(0, SETTINGS)).isLessThanOrEqualTo(1_050 + 4_200);
        assertThat(line.due(1_050 + 4_200, Long.MAX_VALUE, SETTINGS).slices())
                .as("even with a clock that does not count (measured before a restart)").isEqualTo(1);
        assertThat(line.due(1_050 + 4_200, Long.MAX_VALUE, SETTINGS).framesOverBound()).isEqualTo(1);
    }

    @Test
    void aClockMeasuredBeforeTheJobStartedDoesNotMoveTheCamerasTime() {
        CameraTimeline line = CameraTimeline.NEW.observed(1_000, 1_050, 0, SETTINGS).withNextExpiry(3_001);
        long restartedAt = 100_000;
        assertThat(line.due(200_000, restartedAt, SETTINGS).releasedThroughMs()).isEqualTo(Long.MIN_VALUE);
        assertThat(line.nextWake(restartedAt, SETTINGS)).as("only the idle time, from the restart")
                .isEqualTo(restartedAt + 10_000);
        assertThat(line.idle(restartedAt + 9_999, restartedAt, SETTINGS)).isFalse();
        assertThat(line.idle(restartedAt + 10_000, restartedAt, SETTINGS)).isTrue();
        // The first frame after the restart measures the clock afresh (the downtime is not an offset).
        line = line.observed(150_000, 150_060, restartedAt, SETTINGS);
        assertThat(line.clock().offsetMs()).isEqualTo(60);
    }

    @Test
    void slicesStayInOrderAndCountTheirFrames() {
        PendingSlices slices = PendingSlices.NONE.add(1_399, 10).add(1_199, 20).add(1_399, 30).add(1_599, 40);
        assertThat(slices.ends()).containsExactly(1_199, 1_399, 1_599);
        assertThat(slices.frames()).containsExactly(1, 2, 1);
        assertThat(slices.firstArrivals()).containsExactly(20, 10, 40);
        assertThat(slices.frameCount()).isEqualTo(4);
        assertThat(slices.countThrough(1_399)).isEqualTo(2);
        assertThat(slices.countThrough(1_400)).isEqualTo(2);
        assertThat(slices.dropFirst(2).ends()).containsExactly(1_599);
        assertThat(SETTINGS.sliceEnd(-1)).isEqualTo(-1);
        assertThat(SETTINGS.sliceEnd(0)).isEqualTo(199);
    }
}
