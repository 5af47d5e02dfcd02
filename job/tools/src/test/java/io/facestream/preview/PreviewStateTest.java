package io.facestream.preview;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreviewStateTest {

    @Test
    void theLatestFramesHeldStayUnderTheCapTheCamerasUpdatedLongestAgoGivingThemUp() {
        PreviewState state = new PreviewState();
        int frame = 3 * 1024 * 1024;
        int cameras = PreviewState.MAX_CAMERAS;
        for (int c = 0; c < cameras; c++) {
            state.frame("cam-" + c, 1, 1000 + c, new byte[frame], 1000 + c);
            assertThat(state.frameBytesHeld()).isLessThanOrEqualTo(PreviewState.MAX_FRAME_BYTES_HELD);
        }
        int held = (int) (PreviewState.MAX_FRAME_BYTES_HELD / frame);
        assertThat(state.frameBytesHeld()).isEqualTo((long) held * frame);
        assertThat(state.jpeg("cam-" + (cameras - 1))).as("the newest camera's frame").isNotNull();
        assertThat(state.jpeg("cam-" + (cameras - held))).as("the oldest frame still held").isNotNull();
        assertThat(state.jpeg("cam-" + (cameras - held - 1))).as("updated longer ago: given up").isNull();
        assertThat(state.jpeg("cam-0")).isNull();
        // A camera's next frame replaces its own, and the page still lists a camera whose frame was given up.
        state.frame("cam-0", 2, 5000, new byte[10], 5000);
        assertThat(state.jpeg("cam-0")).hasSize(10);
        assertThat(state.snapshot(5000).get("cameras")).hasSize(cameras);
    }

    @Test
    void aFrameLargerThanThePagesLimitIsCountedButNotHeld() {
        PreviewState state = new PreviewState();
        state.frame("cam-big", 1, 1000, new byte[PreviewState.MAX_FRAME_BYTES + 1], 1000);
        assertThat(state.jpeg("cam-big")).isNull();
        assertThat(state.frameBytesHeld()).isZero();
        assertThat(state.snapshot(1000).get("cameras").get(0).get("frameSeq").asLong()).isEqualTo(1);
    }

    @Test
    void camerasBeyondTheCapMakeRoomAndTakeTheirHeldFrameAlong() {
        PreviewState state = new PreviewState();
        for (int c = 0; c < PreviewState.MAX_CAMERAS * 3; c++) {
            state.frame("cam-" + c, 1, c, new byte[1000], c);
        }
        assertThat(state.snapshot(0).get("cameras")).hasSize(PreviewState.MAX_CAMERAS);
        assertThat(state.frameBytesHeld()).isEqualTo(PreviewState.MAX_CAMERAS * 1000L);
    }
}
