package io.facestream.stream;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * One counter per camera, labelled with the camera's id (Prometheus: {@code ..._facestream_camera_framesIn{camera="…"}}),
 * for at most {@code limit} cameras per subtask: a producer inventing camera ids cannot grow the metrics without
 * bound, so later cameras, and ids no camera would have (missing, longer than 64 characters), count as "other".
 * Used from one operator thread.
 */
public final class CameraCounters {
    public static final String LABEL = "camera";
    public static final String OTHER = "other";
    static final int MAX_ID_LENGTH = 64;

    private final MetricGroup group;
    private final String name;
    private final int limit;
    private final Map<String, Counter> counters = new HashMap<>();
    private Counter other;

    public CameraCounters(OperatorMetrics metrics, String name, int limit) {
        this.group = metrics.group();
        this.name = name;
        this.limit = limit;
    }

    public void inc(String camera) {
        Counter counter = camera == null ? null : counters.get(camera);
        if (counter == null) {
            boolean ownCounter = ownLabel(camera) && counters.size() < limit;
            if (ownCounter) {
                counter = group.addGroup(LABEL, camera).counter(name, new ThreadSafeSimpleCounter());
                counters.put(camera, counter);
            } else {
                if (other == null) {
                    other = group.addGroup(LABEL, OTHER).counter(name, new ThreadSafeSimpleCounter());
                }
                counter = other;
            }
        }
        counter.inc();
    }

    /** Whether a camera id may be a label of its own: not missing, not too long, not the label of the rest. */
    static boolean ownLabel(String camera) {
        return camera != null && !camera.isEmpty() && camera.length() <= MAX_ID_LENGTH && !camera.equals(OTHER);
    }

    /** Cameras with a counter of their own (for tests). */
    int cameras() {
        return counters.size();
    }
}
