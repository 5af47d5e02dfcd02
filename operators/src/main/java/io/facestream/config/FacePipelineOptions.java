package io.facestream.config;

import io.facestream.detect.DetectorSettings;
import io.facestream.inference.InferenceDevice;
import java.util.List;

/** The face pipeline's configuration keys (models, detection, recognition, decoding, inference): every command takes them. */
public final class FacePipelineOptions {
    private FacePipelineOptions() {
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

    public static final ConfigKey<DetectorSettings.InputSize> DETECTOR_INPUT_SIZE = ConfigKey.custom("detector.input-size",
            "frame", value -> switch (value.trim()) {
                case "frame" -> DetectorSettings.InputSize.FRAME;
                case "fixed" -> DetectorSettings.InputSize.FIXED;
                default -> throw new IllegalArgumentException("must be frame or fixed");
            },
            "`frame`: each frame runs at its own aspect ratio, scaled to fit the detector's input and rounded up to the "
                    + "manifest's `sizeMultiple` (a 640x480 frame costs a quarter less than padded to 640x640). `fixed`: "
                    + "letterboxed into the manifest's input shape. A detector without `sizeMultiple` always runs `fixed`.");

    public static final ConfigKey<Integer> DETECTOR_SECOND_LOOK_BELOW_PX = ConfigKey.integer("detector.second-look-below-px",
            64, 0, 10_000, "A face whose box is smaller than this (pixels of the detector's input) is detected again in a "
                    + "region three faces wide cut from the original frame and scaled so the face is 96 pixels: small "
                    + "faces are found that the first pass scores too low, with sharper landmarks. 0: off.");

    public static final ConfigKey<Double> DETECTOR_SECOND_LOOK_THRESHOLD = ConfigKey.fraction("detector.second-look-threshold",
            0.01, 0.001, 1.0, "First-pass candidates scoring at least this (below `detector.score-threshold`) get the second "
                    + "look when small; the second look keeps them only at `detector.score-threshold`.");

    public static final ConfigKey<Integer> DETECTOR_SECOND_LOOK_MAX_FACES = ConfigKey.integer("detector.second-look-max-faces",
            8, 0, 1_000, "Most second looks per frame, for the best-scoring small candidates (each costs about a quarter "
                    + "of a 640x480 pass).");

    public static final ConfigKey<Integer> ALIGN_SMOOTH_BELOW_PX = ConfigKey.integer("align.smooth-below-px", 36, 0, 10_000,
            "Crops of faces narrower than this (pixels of the frame) are slightly blurred before recognition: blown up "
                    + "from a compressed frame, their JPEG blocks would read as features (28 px faces: verification "
                    + "accuracy 0.940 -> 0.960). 0: never.");

    public static final ConfigKey<String> RECOGNIZER_MODEL = ConfigKey.string("recognizer.model", "faceplugin-fr",
            "Recognizer id in the manifest.");

    public static final ConfigKey<Double> RECOGNIZER_THRESHOLD = ConfigKey.fraction("recognizer.threshold", null,
            -1.0, 1.0, "Cosine similarity at or above which a face matches.")
            .documentedDefault("the recognizer's `matchThreshold` in the manifest");

    public static final ConfigKey<String> RECOGNIZER_PREVIOUS_MODEL = ConfigKey.string("recognizer.previous-model", null,
            "During a recognizer switch: the recognizer id the gallery was enrolled with. The job goes on matching with "
                    + "it while each gallery shard embeds its people again from their enrollment photos with "
                    + "`recognizer.model`, then matches with the new one (deploy/README.md: Changing the recognizer). "
                    + "Unset once the switch is done.")
            .documentedDefault("none (no switch)");

    public static final ConfigKey<Double> RECOGNIZER_PREVIOUS_THRESHOLD = ConfigKey.fraction("recognizer.previous-threshold",
            null, -1.0, 1.0, "Match threshold of `recognizer.previous-model` during a switch.")
            .documentedDefault("the previous recognizer's `matchThreshold` in the manifest");

    public static final ConfigKey<Long> DECODE_MAX_PIXELS = ConfigKey.longValue("decode.max-pixels", 40_000_000L, 1,
            "Images whose header declares more pixels are refused before decoding.");

    public static final ConfigKey<Long> DECODE_MAX_BYTES = ConfigKey.longValue("decode.max-bytes", 32L * 1024 * 1024, 1,
            "Encoded images larger than this are refused.");

    public static final ConfigKey<Long> DECODE_MAX_MEMORY_MB = ConfigKey.longValue("decode.max-memory-mb", 0L, 0,
            "Native memory (MiB) that the frames being decoded and analysed in one TaskManager may hold at once; a frame"
            + " waits for room. At least one image of `decode.max-pixels` (12 bytes a pixel at the most: 16-bit PNG with alpha); 0: room for two 8-bit ones (7 bytes a pixel).");

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
                DETECTOR_MIN_FACE_SIZE, DETECTOR_MAX_FACES, DETECTOR_INPUT_SIZE, DETECTOR_SECOND_LOOK_BELOW_PX,
                DETECTOR_SECOND_LOOK_THRESHOLD, DETECTOR_SECOND_LOOK_MAX_FACES, ALIGN_SMOOTH_BELOW_PX, RECOGNIZER_MODEL, RECOGNIZER_THRESHOLD, RECOGNIZER_PREVIOUS_MODEL, RECOGNIZER_PREVIOUS_THRESHOLD, DECODE_MAX_PIXELS, DECODE_MAX_BYTES, DECODE_MAX_MEMORY_MB,
                INFERENCE_DEVICE, INFERENCE_INTRA_OP_THREADS, INFERENCE_INTER_OP_THREADS, INFERENCE_DYNAMIC_BATCH);
    }
}
