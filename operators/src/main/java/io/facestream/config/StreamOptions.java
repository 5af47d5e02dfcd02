package io.facestream.config;

import java.util.List;

/** Keys of the streaming functions: async analysis, recognizer batching, matching, the gallery. */
public final class StreamOptions {
    private StreamOptions() {
    }

    public static final ConfigKey<Integer> ASYNC_CAPACITY = ConfigKey.integer("async.capacity", 16, 1, 10_000,
            "Frames in flight per async operator instance; back-pressure beyond it.");

    public static final ConfigKey<Long> ASYNC_TIMEOUT_MS = ConfigKey.longValue("async.timeout-ms", 30_000L, 1,
            "A frame not analysed within this time goes to the dead-letter topic; the job keeps running.");

    public static final ConfigKey<Integer> ASYNC_THREADS = ConfigKey.integer("async.threads", 0, 0, 1024,
            "Analysis threads per async operator instance; 0 = one per core. Set `inference.intra-op-threads: 1` "
                    + "when this is above 1.");

    public static final ConfigKey<Integer> ASYNC_MAX_CONSECUTIVE_FAILURES = ConfigKey.integer("async.max-consecutive-failures",
            20, 1, 1_000_000, "After this many frames in a row fail in analysis (an inference error, not a frame's own "
                    + "bytes), the task fails and Flink restarts it (e.g. a lost GPU context) instead of sending every "
                    + "frame to the dead-letter topic; the frames since the last checkpoint are analysed again.");

    public static final ConfigKey<Integer> BATCHING_MAX_SIZE = ConfigKey.integer("batching.max-size", 8, 1, 1024,
            "Most face crops per recognizer call across frames in flight (1 when the model's batch is fixed at 1, as the "
                    + "default model's is unless `inference.dynamic-batch` is on).");

    public static final ConfigKey<Long> BATCHING_FLUSH_TIMEOUT_US = ConfigKey.longValue("batching.flush-timeout-us", 2_000L, 0,
            "How long a batch waits for more crops after its first one (microseconds).");

    public static final ConfigKey<Boolean> MATCHES_EMIT_UNKNOWN = ConfigKey.bool("matches.emit-unknown", false,
            "Also write faces that match nobody (`personId` null). Off by default: privacy.");

    public static final ConfigKey<String> GALLERY_DIR = ConfigKey.string("gallery.dir", null,
            "`GALLERY/<personId>/*.jpg` enrolled when the job starts without state, through the same enrollment rule as the "
                    + "enrollments topic (every photo exactly one face); the topic's enrollments and tombstones override it.");

    public static final ConfigKey<Integer> GALLERY_HAMMING_CANDIDATES = ConfigKey.integer("gallery.hamming-candidates", 32,
            1, 100_000, "People per face and shard taken from the sign-code scan (Hamming distance of the templates) to be "
                    + "scored on their int8 templates.");

    public static final ConfigKey<Integer> GALLERY_CANDIDATES = ConfigKey.integer("gallery.candidates", 4, 1, 10_000,
            "People per face and shard whose embeddings are read from state and compared exactly; the best decides.");

    public static final ConfigKey<Boolean> MATCHES_ENABLED = ConfigKey.bool("matches.enabled", true,
            "Write one record per recognised face per frame to the matches topic. Off leaves only sightings.");

    public static final ConfigKey<Integer> TRACKING_REEMBED_EVERY_FRAMES = ConfigKey.integer("tracking.reembed-every-frames",
            10, 1, 10_000, "A face that stays in place and looks the same reuses its embedding for at most this many "
                    + "frames; it is embedded again sooner when it grows, turns towards the camera, sharpens or changes. "
                    + "1 embeds every face of every frame.");

    public static final ConfigKey<Double> TRACKING_REUSE_MIN_RESEMBLANCE = ConfigKey.fraction("tracking.reuse-min-resemblance",
            0.92, -1, 1, "Least resemblance (16x16 grey thumbnails of the aligned faces, dot product) between a face and "
                    + "its last embedded look for the embedding to be reused; above the 0.913 measured between two "
                    + "different people's photos.");

    public static final ConfigKey<Long> TRACKING_MAX_ABSENCE_MS = ConfigKey.longValue("tracking.max-absence-ms", 2_000L, 1,
            "A track not seen for longer than this (event time) ends and its sighting closes; a face back sooner keeps "
                    + "its track.");

    public static final ConfigKey<Double> TRACKING_MIN_IOU = ConfigKey.fraction("tracking.min-iou", 0.3, 0.01, 1,
            "Least overlap (IoU) between a face and a track's predicted box for the face to continue the track.");

    public static final ConfigKey<Double> TRACKING_MIN_APPEARANCE_SIMILARITY = ConfigKey.fraction(
            "tracking.min-appearance-similarity", 0.3, -1, 1, "Least embedding similarity between a face and its track's "
                    + "last face: a different person in the same place starts a track of their own. -1 tracks by boxes alone.");

    public static final ConfigKey<Integer> SIGHTINGS_MIN_FACES = ConfigKey.integer("sightings.min-faces", 3, 1, 10_000,
            "Faces recognised as the same person before a track is named (its sighting opens).");

    public static final ConfigKey<Boolean> SIGHTINGS_EMIT_UNKNOWN = ConfigKey.bool("sightings.emit-unknown", false,
            "Also write a closed sighting (`personId` null) for a track that ends unnamed after at least "
                    + "`sightings.min-faces` faces. Off by default: privacy.");

    public static final ConfigKey<Long> SIGHTINGS_RETROACTIVE_WINDOW_MS = ConfigKey.longValue("sightings.retroactive-window-ms",
            86_400_000L, 0, "How long a track that ended unnamed keeps its best faces' embeddings, so that a person "
                    + "enrolled later is found in it (a `retroactive` sighting); erased after (state TTL). 0 keeps nothing.");

    public static final ConfigKey<Integer> SIGHTINGS_KEPT_FACES = ConfigKey.integer("sightings.kept-faces", 5, 1, 100,
            "Best faces (by size and detection score) an unnamed track keeps for matching back in time.");

    public static final ConfigKey<Long> SIGHTINGS_IDLE_CLOSE_MS = ConfigKey.longValue("sightings.idle-close-ms", 10_000L, 0,
            "A camera that sent no frame with a face for this long (the TaskManager's clock) has its tracks closed and "
                    + "its state dropped (unnamed tracks kept for matching back in time stay). 0 closes tracks by the "
                    + "camera's own clock only, and drops a silent camera's state after 10 minutes.");

    public static final ConfigKey<Long> SIGHTINGS_REORDER_MS = ConfigKey.longValue("sightings.reorder-ms", 2_000L, 0,
            "How long a frame waits, by its own camera's clock, for that camera's earlier frames before it is tracked "
                    + "(analysis finishes a camera's frames out of order); a frame later than that is tracked at once. "
                    + "Each camera keeps its own clock: no camera, and no Kafka partition, waits for another.")
            .documentedDefault("`2000` (or `watermark.max-out-of-orderness-ms` when only that is set)");

    public static final ConfigKey<Integer> SIGHTINGS_MAX_PENDING_FRAMES = ConfigKey.integer("sightings.max-pending-frames",
            512, 1, 1_000_000, "The most frames one camera may have waiting for its clock; beyond, its oldest frames "
                    + "are tracked at once and counted (`framesReleasedOverBound`). No frame waits longer than twice "
                    + "`sightings.reorder-ms` plus 200 ms of the TaskManager's clock either.");

    public static final ConfigKey<Long> SIGHTINGS_CLOCK_RESET_MS = ConfigKey.longValue("sightings.clock-reset-ms", 60_000L, 1,
            "A frame whose `capture-ts` is this much earlier than what its camera has already had tracked means the "
                    + "camera's clock was set back: its tracks close and its time starts again from that frame "
                    + "(`cameraClockResets`). Smaller steps back are late frames, tracked at once.");

    public static final ConfigKey<Integer> SIGHTINGS_MAX_KEPT_TRACKS = ConfigKey.integer("sightings.max-kept-tracks",
            100_000, 1, 100_000_000, "The most unnamed tracks one sightings subtask keeps for matching back in time "
                    + "(about 400 bytes of heap each for their index); beyond, the oldest are erased before the "
                    + "retroactive window ends (`unnamedTracksEvicted`).");

    public static final ConfigKey<Long> WATERMARK_OUT_OF_ORDERNESS_MS = ConfigKey.longValue(
            "watermark.max-out-of-orderness-ms", 2_000L, 0, "Replaced by `sightings.reorder-ms` (frames are ordered "
                    + "per camera now); still read when that is not set, so older configuration files keep their value.");

    public static final ConfigKey<Long> WATERMARK_IDLE_TIMEOUT_MS = ConfigKey.longValue("watermark.idle-timeout-ms",
            30_000L, 0, "No longer used: each camera keeps its own clock, so no silent partition holds back any "
                    + "camera. Accepted so that older configuration files still load.");

    public static final ConfigKey<Boolean> ENROLLMENTS_DEAD_LETTER_PAYLOAD = ConfigKey.bool("enrollments.dead-letter-payload",
            false, "Keep a refused enrollment's value (the person's photos or embedding) in its dead letter. Off by default: "
                    + "the dead letter keeps the key, headers and reason, and a `payload-removed` header says so.");

    public static final ConfigKey<Integer> METRICS_CAMERA_LIMIT = ConfigKey.integer("metrics.camera-limit", 1000, 0,
            1_000_000, "Cameras with frame counters of their own (`facestream_camera_framesIn` and `_framesCompleted`, "
                    + "label `camera`) per subtask; later ones count as `other`, so invented camera ids cannot grow the "
                    + "metrics without bound. 0: all as `other`.");

    public static List<ConfigKey<?>> all() {
        return List.of(ASYNC_CAPACITY, ASYNC_TIMEOUT_MS, ASYNC_THREADS, ASYNC_MAX_CONSECUTIVE_FAILURES, BATCHING_MAX_SIZE, BATCHING_FLUSH_TIMEOUT_US,
                MATCHES_EMIT_UNKNOWN, MATCHES_ENABLED, GALLERY_DIR, GALLERY_HAMMING_CANDIDATES, GALLERY_CANDIDATES,
                TRACKING_REEMBED_EVERY_FRAMES, TRACKING_REUSE_MIN_RESEMBLANCE, TRACKING_MAX_ABSENCE_MS, TRACKING_MIN_IOU,
                TRACKING_MIN_APPEARANCE_SIMILARITY, SIGHTINGS_MIN_FACES, SIGHTINGS_EMIT_UNKNOWN,
                SIGHTINGS_RETROACTIVE_WINDOW_MS, SIGHTINGS_KEPT_FACES, SIGHTINGS_IDLE_CLOSE_MS, SIGHTINGS_REORDER_MS,
                SIGHTINGS_MAX_PENDING_FRAMES, SIGHTINGS_CLOCK_RESET_MS, SIGHTINGS_MAX_KEPT_TRACKS, ENROLLMENTS_DEAD_LETTER_PAYLOAD,
                METRICS_CAMERA_LIMIT, WATERMARK_OUT_OF_ORDERNESS_MS, WATERMARK_IDLE_TIMEOUT_MS);
    }
}
