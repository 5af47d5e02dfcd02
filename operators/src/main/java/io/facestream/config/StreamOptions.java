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

    public static List<ConfigKey<?>> all() {
        return List.of(ASYNC_CAPACITY, ASYNC_TIMEOUT_MS, ASYNC_THREADS, ASYNC_MAX_CONSECUTIVE_FAILURES, BATCHING_MAX_SIZE, BATCHING_FLUSH_TIMEOUT_US,
                MATCHES_EMIT_UNKNOWN, GALLERY_DIR, GALLERY_HAMMING_CANDIDATES, GALLERY_CANDIDATES);
    }
}
