package io.facestream.stream;

import io.facestream.track.CameraClock;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * One gauge per camera ({@code clockOffsetMs}, label {@code camera}): how far the camera's {@code capture-ts} runs
 * behind this TaskManager's clock (negative: ahead), the least over ten to twenty seconds ({@link CameraClock}), so
 * network and queueing delay barely show and a wrong clock stands out. A camera with a wrong clock holds back no
 * other camera; this is how an operator sees it. For the same cameras as {@link CameraCounters}, at most
 * {@code limit} per subtask; the rest have no gauge (an offset of "other" cameras would mean nothing). Written from
 * one operator thread, read by the metric reporter's.
 */
public final class CameraClockOffsets {
    static final long WINDOW_MS = 10_000;

    private final MetricGroup group;
    private final int limit;
    private final Map<String, Offset> offsets = new HashMap<>();

    public CameraClockOffsets(OperatorMetrics metrics, int limit) {
        this.group = metrics.group();
        this.limit = limit;
    }

    /** A frame of {@code camera} captured at {@code captureMs} (its own clock) arrived at {@code arrivalMs}. */
    public void observe(String camera, long captureMs, long arrivalMs) {
        Offset offset = camera == null ? null : offsets.get(camera);
        if (offset == null) {
            if (!CameraCounters.ownLabel(camera) || offsets.size() >= limit) {
                return;
            }
            offset = new Offset();
            group.addGroup(CameraCounters.LABEL, camera).gauge(StreamMetrics.CAMERA_CLOCK_OFFSET_MS, offset);
            offsets.put(camera, offset);
        }
        offset.clock = offset.clock.observe(captureMs, arrivalMs, WINDOW_MS);
    }

    /** The camera's offset now, or null when it has no gauge (for tests). */
    Long offsetMs(String camera) {
        Offset offset = offsets.get(camera);
        return offset == null ? null : offset.getValue();
    }

    private static final class Offset implements Gauge<Long> {
        volatile CameraClock clock = CameraClock.UNKNOWN;

        @Override
        public Long getValue() {
            return clock.offsetMs();
        }
    }
}
