package io.facestream.stream;

/**
 * Names of the job's metrics (operator scope, group "facestream") and of the accumulators the
 * local demo reads while the job runs.
 */
public final class StreamMetrics {
    public static final String GROUP = "facestream";

    public static final String FRAMES_IN = "framesIn";
    public static final String DECODE_REFUSALS = "decodeRefusals";
    public static final String FACES_DETECTED = "facesDetected";
    /** Faces that went through the recognizer; the rest of facesDetected reused an earlier embedding. */
    public static final String FACES_EMBEDDED = "facesEmbedded";
    public static final String EMBEDDINGS_REUSED = "embeddingsReused";
    public static final String FRAMES_COMPLETED = "framesCompleted";
    public static final String MATCHES = "matches";
    public static final String UNKNOWN_FACES = "unknownFaces";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String DETECTOR_LATENCY_MS = "detectorLatencyMs";
    public static final String RECOGNIZER_LATENCY_MS = "recognizerLatencyMs";
    public static final String BATCH_SIZE = "recognizerBatchSize";
    public static final String ASYNC_IN_FLIGHT = "asyncInFlight";
    public static final String END_TO_END_LATENCY_MS = "endToEndLatencyMs";
    public static final String GALLERY_PEOPLE = "galleryPeople";
    /** People in the gallery state whose embeddings come from another recognizer: not matched. */
    public static final String GALLERY_OTHER_MODEL_PEOPLE = "galleryOtherModelPeople";
    /** People of another recognizer listed as dead letters (stage gallery), once each per recognizer changed to. */
    public static final String GALLERY_OTHER_MODEL_LISTED = "galleryOtherModelListed";
    /** During a recognizer switch: people this shard embedded again from their enrollment photos (also an accumulator). */
    public static final String GALLERY_REEMBEDDED = "galleryReembedded";
    /** During a recognizer switch: people who could not be embedded again, each listed as a dead letter. */
    public static final String GALLERY_NOT_REEMBEDDED = "galleryNotReembedded";
    /** During a recognizer switch: people this shard has still to embed again. */
    public static final String GALLERY_REEMBED_PENDING = "galleryReembedPending";
    /** During a recognizer switch: 1 once this shard's gallery of the new recognizer is complete, 0 before. */
    public static final String GALLERY_NEW_RECOGNIZER_READY = "galleryNewRecognizerReady";
    /** Faces beyond detector.max-faces in a frame, dropped (the smallest scores). */
    public static final String FACES_OVER_LIMIT = "facesOverLimit";
    /** Frames waiting for an analysis thread (not yet started). */
    public static final String ANALYSIS_QUEUE = "analysisQueue";
    /** Native memory the frames being decoded and analysed hold now, within decode.max-memory-mb. */
    public static final String DECODE_MEMORY_IN_USE = "decodeMemoryInUseBytes";
    /** Frames without any face (they complete without output). */
    public static final String FRAMES_WITHOUT_FACES = "framesWithoutFaces";
    /** Bytes of the shard's in-memory index of its people. */
    public static final String GALLERY_INDEX_BYTES = "galleryIndexBytes";
    /** Microseconds per face to search a shard (index and exact re-rank). */
    public static final String GALLERY_SEARCH_LATENCY_US = "gallerySearchLatencyUs";
    public static final String ENROLLMENTS = "enrollments";
    /** Sightings written, by state; retroactive ones also count in their own counter. */
    public static final String SIGHTINGS_OPENED = "sightingsOpened";
    public static final String SIGHTINGS_UPDATED = "sightingsUpdated";
    public static final String SIGHTINGS_CLOSED = "sightingsClosed";
    public static final String SIGHTINGS_RETROACTIVE = "sightingsRetroactive";
    /** Frames that reached the tracker after event time had passed them (tracked at the time of the latest frame). */
    public static final String LATE_FRAMES = "lateFrames";
    /** Unnamed tracks kept for matching back in time, added and found. */
    public static final String UNNAMED_TRACKS_KEPT = "unnamedTracksKept";
    /** Unnamed tracks whose kept faces were erased because they resembled a deleted person. */
    public static final String UNNAMED_TRACKS_ERASED = "unnamedTracksErased";
    /** Unnamed tracks erased before the retroactive window ended because a subtask kept sightings.max-kept-tracks. */
    public static final String UNNAMED_TRACKS_EVICTED = "unnamedTracksEvicted";
    /** Unnamed tracks a subtask keeps for matching back in time now. */
    public static final String UNNAMED_TRACKS_HELD = "unnamedTracksHeld";
    /** Cameras of a subtask with live tracks now. */
    public static final String CAMERAS_WITH_LIVE_TRACKS = "camerasWithLiveTracks";
    /**
     * Frames tracked before their camera's clock passed them because the camera had more than
     * sightings.max-pending-frames waiting or they had waited too long.
     */
    public static final String FRAMES_RELEASED_OVER_BOUND = "framesReleasedOverBound";
    /** Cameras whose clock was set back by more than sightings.clock-reset-ms: their tracks closed, time started again. */
    public static final String CAMERA_CLOCK_RESETS = "cameraClockResets";
    /** Cameras silent for the idle time whose state was dropped (their tracks closed). */
    public static final String CAMERAS_DROPPED = "camerasDropped";
    /**
     * Per camera (label camera): how far the camera's clock is behind the TaskManager's, plus the quickest way from
     * the camera to the job (milliseconds; negative: the camera is ahead).
     */
    public static final String CAMERA_CLOCK_OFFSET_MS = "clockOffsetMs";

    /** Accumulators (job-wide sums, readable while the job runs) for the local demo and tests. */
    public static final String INPUT_DEAD_LETTERS_ACCUMULATOR = "inputDeadLetters";
    public static final String ANALYSIS_DEAD_LETTERS_ACCUMULATOR = "analysisDeadLetters";
    public static final String GALLERY_UPDATES_ACCUMULATOR = "galleryUpdates";
    public static final String SIGHTINGS_ACCUMULATOR = "sightings";

    private StreamMetrics() {
    }

    /** Registers a job-wide sum under {@code name} for this subtask and returns it. */
    public static org.apache.flink.api.common.accumulators.LongCounter accumulator(
            org.apache.flink.api.common.functions.RuntimeContext context, String name) {
        org.apache.flink.api.common.accumulators.LongCounter counter = new org.apache.flink.api.common.accumulators.LongCounter();
        context.addAccumulator(name, counter);
        return counter;
    }
}
