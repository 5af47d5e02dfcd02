package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class CameraCountersTest {
    private final MetricListener listener = new MetricListener();
    private final CameraCounters counters = new CameraCounters(new OperatorMetrics(listener.getMetricGroup()),
            StreamMetrics.FRAMES_IN, 2);

    private long count(String camera) {
        return listener.getCounter(StreamMetrics.GROUP, CameraCounters.LABEL, camera, StreamMetrics.FRAMES_IN)
                .map(Counter::getCount).orElse(-1L);
    }

    @Test
    void eachCameraCountsUnderItsOwnLabel() {
        counters.inc("cam-1");
        counters.inc("cam-1");
        counters.inc("cam-2");
        assertThat(count("cam-1")).isEqualTo(2);
        assertThat(count("cam-2")).isEqualTo(1);
    }

    @Test
    void camerasBeyondTheLimitAndIdsNoCameraWouldHaveCountAsOther() {
        counters.inc("cam-1");
        counters.inc("cam-2");
        counters.inc("cam-3"); // over the limit of 2
        counters.inc(null);
        counters.inc("x".repeat(CameraCounters.MAX_ID_LENGTH + 1));
        counters.inc("cam-1");
        assertThat(count("cam-3")).as("no counter of its own").isEqualTo(-1);
        assertThat(count(CameraCounters.OTHER)).isEqualTo(3);
        assertThat(count("cam-1")).isEqualTo(2);
        assertThat(counters.cameras()).isEqualTo(2);
    }
}
