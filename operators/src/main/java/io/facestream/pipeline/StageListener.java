package io.facestream.pipeline;

/**
 * Hears what {@link FacePipeline} does, stage by stage: the job turns it into metrics, the
 * command line into per-image timings. Called on the analysing thread (and, for recognizer
 * batches, on the micro-batcher's thread), so implementations must be thread-safe when the
 * pipeline is shared.
 */
public interface StageListener {
    /** Listens to nothing. */
    StageListener NONE = new StageListener() {
    };

    default void decoded(long nanos) {
    }

    default void detected(int faces, long nanos) {
    }

    /** More faces than {@code detector.max-faces} were found: {@code dropped} of the lowest scores were left out. */
    default void facesOverLimit(int dropped) {
    }

    default void aligned(int faces, long nanos) {
    }

    /** Embeddings of one image's faces were ready after {@code nanos} (waiting for a batch included). */
    default void embedded(int faces, long nanos) {
    }

    /** {@code faces} faces of one image kept an earlier embedding of theirs instead of being embedded again. */
    default void reused(int faces) {
    }

    /** One recognizer call ran on {@code crops} crops (of one or several images). */
    default void recognizerBatch(int crops) {
    }
}
