package io.facestream.config;

import io.facestream.inference.InferenceDevice;
import java.util.List;

/** The face pipeline's configuration keys (models, detection, recognition, decoding, inference): every command takes them. */
public final class PipelineOptions {
    private PipelineOptions() {
    }

    public static final ConfigKey<String> MODELS_DIR = ConfigKey.string("models.dir", "models",
            "Directory holding `models.json`; model files are resolved against it.");

    public static final ConfigKey<String> MODELS_MANIFEST = ConfigKey.string("models.manifest", null,
            "Model manifest file.").documentedDefault("`<models.dir>/models.json`");

    public static final ConfigKey<String> DETECTOR_MODEL = ConfigKey.string("detector.model", "retinaface-mnet025-v2",
            "Detector id in the manifest.");

    public static final ConfigKey<Double> DETECTOR_SCORE_THRESHOLD = ConfigKey.fraction("detector.score-threshold", null,
            0.0, 1.0, "Minimum face score.").documentedDefault("the detector's `scoreThreshold` in the manifest");

    public static final ConfigKey<Double> DETECTOR_NMS_IOU = ConfigKey.fraction("detector.nms-iou", null,
            0.0, 1.0, "IoU above which overlapping boxes are suppressed.").documentedDefault("the detector's `nmsIou` in the manifest");

    public static final ConfigKey<Integer> DETECTOR_MIN_FACE_SIZE = ConfigKey.integer("detector.min-face-size", 0,
            0, 100_000, "Faces whose box's shorter side is smaller (pixels, original image) are dropped.");

    public static final ConfigKey<Integer> DETECTOR_MAX_FACES = ConfigKey.integer("detector.max-faces", 64, 1, 10_000,
            "Most faces kept per image, the best-scoring ones; the rest are dropped and counted (`facesOverLimit`).");

    public static final ConfigKey<String> RECOGNIZER_MODEL = ConfigKey.string("recognizer.model", "faceplugin-fr",
            "Recognizer id in the manifest.");

    public static final ConfigKey<Double> RECOGNIZER_THRESHOLD = ConfigKey.fraction("recognizer.threshold", null,
            -1.0, 1.0, "Cosine similarity at or above which a face matches.")
            .documentedDefault("the recognizer's `matchThreshold` in the manifest");

    public static final ConfigKey<Long> DECODE_MAX_PIXELS = ConfigKey.longValue("decode.max-pixels", 40_000_000L, 1,
            "Images whose header declares more pixels are refused before decoding.");

    public static final ConfigKey<Long> DECODE_MAX_BYTES = ConfigKey.longValue("decode.max-bytes", 32L * 1024 * 1024, 1,
            "Encoded images larger than this are refused.");

    public static final ConfigKey<String> INFERENCE_DEVICE = ConfigKey.custom("inference.device", "auto",
            value -> {
                InferenceDevice.parse(value);
                return value;
            },
            "`auto`: CUDA when a session can be created on it, else CPU with a warning. `cpu`. `cuda` / `cuda:N`: that "
                    + "GPU or fail at start-up with the reason. On a TaskManager with Flink's GPU resource, the GPU it assigns.");

    public static final ConfigKey<Integer> INFERENCE_INTRA_OP_THREADS = ConfigKey.integer("inference.intra-op-threads", 0,
            0, 1024, "ONNX Runtime threads inside one operator; 0 lets it choose.");

    public static final ConfigKey<Integer> INFERENCE_INTER_OP_THREADS = ConfigKey.integer("inference.inter-op-threads", 0,
            0, 1024, "ONNX Runtime threads across operators; 0 lets it choose.");

    public static final ConfigKey<Boolean> INFERENCE_DYNAMIC_BATCH = ConfigKey.bool("inference.dynamic-batch", false,
            "Make the recognizer's fixed batch of 1 dynamic when loading it (ONNX graph rewrite: inputs, outputs and the "
                    + "Reshape that pinned the batch; identical results at batch 1, within 1e-5 batched), so the async "
                    + "operator batches face crops across frames.");

    public static List<ConfigKey<?>> all() {
        return List.of(MODELS_DIR, MODELS_MANIFEST, DETECTOR_MODEL, DETECTOR_SCORE_THRESHOLD, DETECTOR_NMS_IOU,
                DETECTOR_MIN_FACE_SIZE, DETECTOR_MAX_FACES, RECOGNIZER_MODEL, RECOGNIZER_THRESHOLD, DECODE_MAX_PIXELS, DECODE_MAX_BYTES,
                INFERENCE_DEVICE, INFERENCE_INTRA_OP_THREADS, INFERENCE_INTER_OP_THREADS, INFERENCE_DYNAMIC_BATCH);
    }
}
