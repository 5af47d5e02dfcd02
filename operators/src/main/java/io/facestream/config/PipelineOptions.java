package io.facestream.config;

import java.util.List;

/** The face pipeline's configuration keys (models, detection, recognition, decoding, inference). */
public final class PipelineOptions {
    private PipelineOptions() {
    }

    public static final ConfigKey<String> MODELS_DIR = ConfigKey.string("models.dir", "models",
            "Directory holding models.json; model files are resolved against it.");

    public static final ConfigKey<String> MODELS_MANIFEST = ConfigKey.string("models.manifest", null,
            "Model manifest file (default: models.json in models.dir).");

    public static final ConfigKey<String> DETECTOR_MODEL = ConfigKey.string("detector.model", "retinaface-mnet025-v2",
            "Detector id in the model manifest.");

    public static final ConfigKey<Double> DETECTOR_SCORE_THRESHOLD = ConfigKey.fraction("detector.score-threshold", null,
            0.0, 1.0, "Minimum face score (default: the detector's scoreThreshold in the manifest).");

    public static final ConfigKey<Double> DETECTOR_NMS_IOU = ConfigKey.fraction("detector.nms-iou", null,
            0.0, 1.0, "IoU above which overlapping boxes are suppressed (default: the manifest's nmsIou).");

    public static final ConfigKey<Integer> DETECTOR_MIN_FACE_SIZE = ConfigKey.integer("detector.min-face-size", 0,
            0, 100_000, "Faces whose box is smaller than this many pixels (shorter side, original image) are dropped.");

    public static final ConfigKey<String> RECOGNIZER_MODEL = ConfigKey.string("recognizer.model", "faceplugin-fr",
            "Recognizer id in the model manifest.");

    public static final ConfigKey<Double> RECOGNIZER_THRESHOLD = ConfigKey.fraction("recognizer.threshold", null,
            -1.0, 1.0, "Cosine similarity at or above which a face matches (default: the recognizer's matchThreshold).");

    public static final ConfigKey<Long> DECODE_MAX_PIXELS = ConfigKey.longValue("decode.max-pixels", 40_000_000L, 1,
            "Images whose header declares more pixels than this are refused before decoding.");

    public static final ConfigKey<Long> DECODE_MAX_BYTES = ConfigKey.longValue("decode.max-bytes", 32L * 1024 * 1024, 1,
            "Encoded images larger than this many bytes are refused.");

    public static final ConfigKey<String> INFERENCE_DEVICE = ConfigKey.custom("inference.device", "auto",
            value -> {
                io.facestream.inference.InferenceDevice.parse(value);
                return value;
            },
            "auto | cpu | cuda | cuda:N. auto uses CUDA when a session can be created on it, otherwise CPU "
                    + "with a warning; cuda fails at start-up when it cannot.");

    public static final ConfigKey<Integer> INFERENCE_INTRA_OP_THREADS = ConfigKey.integer("inference.intra-op-threads", 0,
            0, 1024, "Threads ONNX Runtime uses inside one operator; 0 lets it choose (one per physical core).");

    public static final ConfigKey<Integer> INFERENCE_INTER_OP_THREADS = ConfigKey.integer("inference.inter-op-threads", 0,
            0, 1024, "Threads ONNX Runtime uses across independent operators; 0 lets it choose.");

    public static final ConfigKey<Boolean> INFERENCE_DYNAMIC_BATCH = ConfigKey.bool("inference.dynamic-batch", false,
            "Rewrite models whose batch dimension is fixed at 1 to a dynamic batch when loading them, so the "
                    + "recognizer can take the face crops of several frames in one call (see batching.max-size).");

    public static List<ConfigKey<?>> all() {
        return List.of(MODELS_DIR, MODELS_MANIFEST, DETECTOR_MODEL, DETECTOR_SCORE_THRESHOLD, DETECTOR_NMS_IOU,
                DETECTOR_MIN_FACE_SIZE, RECOGNIZER_MODEL, RECOGNIZER_THRESHOLD, DECODE_MAX_PIXELS, DECODE_MAX_BYTES,
                INFERENCE_DEVICE, INFERENCE_INTRA_OP_THREADS, INFERENCE_INTER_OP_THREADS, INFERENCE_DYNAMIC_BATCH);
    }
}
