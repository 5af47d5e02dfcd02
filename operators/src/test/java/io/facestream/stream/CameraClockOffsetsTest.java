package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class CameraClockOffsetsTest {
    private final MetricListener listener = new MetricListener();
    private final CameraClockOffsets offsets = new CameraClockOffsets(new OperatorMetrics(listener.getMetricGroup()), 2);

    private Optional<Long> gauge(String camera) {
        return listener.<Long>getGauge(StreamMetrics.GROUP, CameraCounters.LABEL, camera,
                StreamMetrics.CAMERA_CLOCK_OFFSET_MS).map(Gauge::getValue);
    }

    @Test
    void aSlowCameraShowsItsOffsetAsTheLeastDelayOfItsFrames() {
        long now = 1_000_000_000L;
        offsets.observe("slow", now - 300_000 - 40, now);       // five minutes slow, 40 ms on the way
        offsets.observe("slow", now + 200 - 300_000, now + 215); // 15 ms on the way
        offsets.observe("right", now - 30, now);
        offsets.observe("fast", now + 290_000, now + 5);
        assertThat(gauge("slow")).contains(300_015L);
        assertThat(gauge("right")).contains(30L);
        assertThat(gauge("fast")).as("over the limit of two cameras: no gauge").isEmpty();
        assertThat(offsets.offsetMs("fast")).isNull();
    }

    @Test
    void aFastClockSetRightIsFollowedWithinTwoWindows() {
        long now = 1_000_000_000L;
        long window = CameraClockOffsets.WINDOW_MS;
        offsets.observe("cam", now + 60_000, now); // a minute fast
        offsets.observe("cam", now + window + 80, now + window + 100); // set right
        assertThat(gauge("cam")).as("the window before still counts").contains(-60_000L);
        offsets.observe("cam", now + 2 * window + 180, now + 2 * window + 200);
        assertThat(gauge("cam")).contains(20L);
    }

    @Test
    void idsNoCameraWouldHaveGetNoGauge() {
        offsets.observe(null, 0, 10);
        offsets.observe("", 0, 10);
        offsets.observe(CameraCounters.OTHER, 0, 10);
        offsets.observe("x".repeat(CameraCounters.MAX_ID_LENGTH + 1), 0, 10);
        offsets.observe("cam", 0, 10);
        assertThat(gauge("cam")).contains(10L);
        assertThat(gauge(CameraCounters.OTHER)).isEmpty();
    }
}
