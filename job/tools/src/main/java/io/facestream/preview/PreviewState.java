package io.facestream.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.track.CameraClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the preview shows, kept from the topics: each camera's latest frame (its JPEG), the faces matched in it,
 * its frame rate, the latency of its matches and its clock's offset, the recent matches and sightings, and whether
 * Kafka answers.
 * Thread-safe: the poller writes, the HTTP threads read.
 */
final class PreviewState {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Cameras shown at most; the one silent longest makes room. */
    static final int MAX_CAMERAS = 64;
    static final int RECENT = 30;
    /** A camera with no frame for this long is shown as silent. */
    static final long SILENT_AFTER_MS = 5_000;
    private static final long RATE_WINDOW_MS = 5_000;
    /** A camera whose clock is further off than this is shown with its offset, for the operator to fix. */
    static final long CLOCK_WRONG_MS = 2_000;
    private static final long CLOCK_WINDOW_MS = 10_000;
    /** The latest frames of all cameras together are held up to this; the cameras updated longest ago lose theirs. */
    static final long MAX_FRAME_BYTES_HELD = 64L * 1024 * 1024;
    /** A frame larger than this is counted but not held for the page. */
    static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

    /** One camera's latest picture and its statistics. */
    static final class Camera {
        final String id;
        byte[] jpeg;
        long frameSeq = -1;
        long captureTs;
        long receivedAt;
        final Deque<Long> arrivals = new ArrayDeque<>();
        final Map<Long, List<JsonNode>> facesBySeq = new LinkedHashMap<>();
        final Deque<Long> latencies = new ArrayDeque<>();
        /** The least delay of recent frames: the camera's clock offset from this machine's, as the job measures it. */
        CameraClock clock = CameraClock.UNKNOWN;

        Camera(String id) {
            this.id = id;
        }
    }

    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private final Deque<JsonNode> recentMatches = new ArrayDeque<>();
    private final Deque<JsonNode> recentSightings = new ArrayDeque<>();
    /** camera -> personId -> trackId of their open sighting, to label a named face with its track. */
    private final Map<String, Map<String, Long>> openTracks = new HashMap<>();
    private String kafkaProblem = "connecting";
    private long frameBytesHeld;

    synchronized void frame(String camera, long frameSeq, long captureTs, byte[] jpeg, long now) {
        Camera state = camera(camera, now);
        state.clock = state.clock.observe(captureTs, now, CLOCK_WINDOW_MS);
        if (frameSeq < state.frameSeq && captureTs <= state.captureTs) {
            return; // an older frame arriving late: the picture only moves forward
        }
        hold(state, jpeg.length <= MAX_FRAME_BYTES ? jpeg : null);
        state.frameSeq = frameSeq;
        state.captureTs = captureTs;
        state.receivedAt = now;
        state.arrivals.addLast(now);
        while (!state.arrivals.isEmpty() && state.arrivals.peekFirst() < now - RATE_WINDOW_MS) {
            state.arrivals.removeFirst();
        }
    }

    /** Holds {@code jpeg} as the camera's picture, and gives up the pictures updated longest ago beyond the cap. */
    private void hold(Camera camera, byte[] jpeg) {
        frameBytesHeld += (jpeg == null ? 0 : jpeg.length) - (camera.jpeg == null ? 0 : camera.jpeg.length);
        camera.jpeg = jpeg;
        while (frameBytesHeld > MAX_FRAME_BYTES_HELD) {
            Camera oldest = null;
            for (Camera other : cameras.values()) {
                if (other != camera && other.jpeg != null && (oldest == null || other.receivedAt < oldest.receivedAt)) {
                    oldest = other;
                }
            }
            if (oldest == null) {
                break; // only this camera's frame is held, and it is under MAX_FRAME_BYTES
            }
            frameBytesHeld -= oldest.jpeg.length;
            oldest.jpeg = null;
        }
    }

    synchronized long frameBytesHeld() {
        return frameBytesHeld;
    }

    /** A match record; {@code live} when it was written after the preview started (older ones say nothing of latency). */
    synchronized void match(JsonNode match, long now, boolean live) {
        String camera = match.path("camera").asText();
        Camera state = camera(camera, now);
        long seq = match.path("frameSeq").asLong();
        state.facesBySeq.computeIfAbsent(seq, k -> new ArrayList<>()).add(match);
        while (state.facesBySeq.size() > 8) { // the faces of the last few frames, for a picture that lags its matches
            Iterator<Long> oldest = state.facesBySeq.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        if (live) {
            state.latencies.addLast(Math.max(0, now - match.path("captureTs").asLong()));
            while (state.latencies.size() > 100) {
                state.latencies.removeFirst();
            }
        }
        add(recentMatches, match);
    }

    synchronized void sighting(JsonNode sighting) {
        String camera = sighting.path("camera").asText();
        // Open tracks of at most as many cameras as are shown (a camera that makes room takes its tracks along).
        boolean room = openTracks.containsKey(camera) || openTracks.size() < MAX_CAMERAS;
        if (!sighting.path("personId").isNull() && room) {
            Map<String, Long> tracks = openTracks.computeIfAbsent(camera, k -> new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > MAX_CAMERAS; // a closing record missed leaves no lasting entry
                }
            });
            if ("closed".equals(sighting.path("state").asText())) {
                tracks.remove(sighting.path("personId").asText(), sighting.path("trackId").asLong());
            } else {
                tracks.put(sighting.path("personId").asText(), sighting.path("trackId").asLong());
            }
        }
        add(recentSightings, sighting);
    }

    synchronized void kafka(String problem) {
        kafkaProblem = problem;
    }

    synchronized byte[] jpeg(String camera) {
        Camera state = cameras.get(camera);
        return state == null ? null : state.jpeg;
    }

    /** Everything the page draws, as one JSON object (sent on every change and every few seconds). */
    synchronized ObjectNode snapshot(long now) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("now", now);
        if (kafkaProblem == null) {
            root.putNull("kafkaProblem");
        } else {
            root.put("kafkaProblem", kafkaProblem);
        }
        ArrayNode list = root.putArray("cameras");
        for (Camera camera : cameras.values()) {
            ObjectNode node = list.addObject();
            node.put("id", camera.id);
            node.put("frameSeq", camera.frameSeq);
            node.put("captureTs", camera.captureTs);
            node.put("hasImage", camera.jpeg != null);
            node.put("silentMs", camera.receivedAt == 0 ? -1 : now - camera.receivedAt);
            node.put("silent", camera.receivedAt == 0 || now - camera.receivedAt > SILENT_AFTER_MS);
            node.put("fps", camera.arrivals.size() < 2 ? 0
                    : Math.round(10.0 * (camera.arrivals.size() - 1) * 1000 / Math.max(1, camera.arrivals.peekLast()
                    - camera.arrivals.peekFirst())) / 10.0);
            node.put("clockOffsetMs", camera.clock.offsetMs());
            node.put("clockWrong", camera.clock.known() && Math.abs(camera.clock.offsetMs()) > CLOCK_WRONG_MS);
            node.put("latencyP50Ms", percentile(camera.latencies, 50));
            node.put("latencyP99Ms", percentile(camera.latencies, 99));
            ArrayNode faces = node.putArray("faces");
            List<JsonNode> shown = facesFor(camera);
            Map<String, Long> tracks = openTracks.getOrDefault(camera.id, Map.of());
            for (JsonNode match : shown) {
                ObjectNode face = faces.addObject();
                face.set("box", match.path("box"));
                face.set("personId", match.path("personId"));
                face.set("name", match.path("name"));
                face.set("score", match.path("score"));
                Long track = match.path("personId").isNull() ? null : tracks.get(match.path("personId").asText());
                if (track == null) {
                    face.putNull("trackId");
                } else {
                    face.put("trackId", track);
                }
            }
        }
        root.set("matches", MAPPER.valueToTree(new ArrayList<>(recentMatches)));
        root.set("sightings", MAPPER.valueToTree(new ArrayList<>(recentSightings)));
        return root;
    }

    /** The faces of the frame shown, or of the latest frame with faces when the shown one's have not come yet. */
    private static List<JsonNode> facesFor(Camera camera) {
        List<JsonNode> exact = camera.facesBySeq.get(camera.frameSeq);
        if (exact != null) {
            return exact;
        }
        List<JsonNode> latest = List.of();
        for (Map.Entry<Long, List<JsonNode>> entry : camera.facesBySeq.entrySet()) {
            if (entry.getKey() <= camera.frameSeq) {
                latest = entry.getValue();
            }
        }
        return latest;
    }

    private Camera camera(String id, long now) {
        Camera state = cameras.get(id);
        if (state == null) {
            if (cameras.size() >= MAX_CAMERAS) {
                Camera quietest = cameras.values().stream().min((a, b) -> Long.compare(a.receivedAt, b.receivedAt)).orElseThrow();
                hold(quietest, null);
                cameras.remove(quietest.id);
                openTracks.remove(quietest.id);
            }
            state = new Camera(id);
            cameras.put(id, state);
        }
        return state;
    }

    private static void add(Deque<JsonNode> recent, JsonNode record) {
        recent.addFirst(record);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    private static long percentile(Deque<Long> values, int percentile) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }
}
