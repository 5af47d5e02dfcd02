package io.facestream.pipeline;

import io.facestream.config.ConfigException;
import io.facestream.config.ConfigKey;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.decode.DecodeLimits;
import io.facestream.detect.DetectorSettings;
import io.facestream.inference.InferenceDevice;
import io.facestream.inference.InferenceSettings;
import io.facestream.model.DetectorModel;
import io.facestream.model.ModelException;
import io.facestream.model.ModelManifest;
import io.facestream.model.RecognizerModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The configuration resolved against the model manifest, once: which models (their files
 * verified), thresholds, limits, device, and how recognizer calls are batched. Serializable, so
 * the job resolves it when the graph is built and hands it to its functions.
 */
public record PipelineSettings(DetectorModel detector, RecognizerModel recognizer, DetectorSettings detection,
                               double matchThreshold, int smoothBelowPx, DecodeLimits decodeLimits,
                               InferenceSettings inference, Batching batching, PreviousRecognizer previous)
        implements Serializable {

    /**
     * During a recognizer switch, the recognizer the gallery was enrolled with and its threshold: every face is embedded
     * by it too, so that the job matches against the old gallery until the new one is complete. Null: no switch.
     */
    public record PreviousRecognizer(RecognizerModel recognizer, double matchThreshold) implements Serializable {
    }

    /**
     * Micro-batching of recognizer calls across the frames in flight: at most {@code maxSize}
     * crops per call, waiting at most {@code flushTimeoutMicros} after the first. A size of 1 is off.
     */
    public record Batching(int maxSize, long flushTimeoutMicros) implements Serializable {
        public static final Batching OFF = new Batching(1, 0);
    }

    /**
     * Reads the manifest and checks that the configured models exist in it and that their files
     * are there with the right sha256; every failure names the configuration key concerned.
     */
    public static PipelineSettings from(FaceStreamConfig config) {
        Path modelsDir = Path.of(config.get(FacePipelineOptions.MODELS_DIR));
        String manifestFile = config.get(FacePipelineOptions.MODELS_MANIFEST);
        ConfigKey<String> manifestKey = manifestFile != null ? FacePipelineOptions.MODELS_MANIFEST : FacePipelineOptions.MODELS_DIR;
        ModelManifest manifest = naming(manifestKey,
                () -> ModelManifest.load(manifestFile != null ? Path.of(manifestFile) : modelsDir.resolve("models.json")));
        DetectorModel detector = naming(FacePipelineOptions.DETECTOR_MODEL,
                () -> manifest.detector(config.get(FacePipelineOptions.DETECTOR_MODEL)));
        RecognizerModel recognizer = naming(FacePipelineOptions.RECOGNIZER_MODEL,
                () -> manifest.recognizer(config.get(FacePipelineOptions.RECOGNIZER_MODEL)));
        naming(FacePipelineOptions.DETECTOR_MODEL, () -> detector.file().verified());
        naming(FacePipelineOptions.RECOGNIZER_MODEL, () -> recognizer.file().verified());
        Double score = config.get(FacePipelineOptions.DETECTOR_SCORE_THRESHOLD);
        Double nms = config.get(FacePipelineOptions.DETECTOR_NMS_IOU);
        Double threshold = config.get(FacePipelineOptions.RECOGNIZER_THRESHOLD);
        DetectorSettings.InputSize inputSize = detector.sizeMultiple() > 0 ? config.get(FacePipelineOptions.DETECTOR_INPUT_SIZE)
                : DetectorSettings.InputSize.FIXED;
        // The second look runs the detector on a small square region: it needs a detector of any input size.
        int secondLookBelow = config.get(FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX);
        if (secondLookBelow > 0 && detector.sizeMultiple() > 0
                && DetectorSettings.SecondLook.inputPx() % detector.sizeMultiple() != 0) {
            throw new ConfigException("configuration key '" + FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name()
                    + "': detector '" + detector.id() + "' takes sizes in multiples of " + detector.sizeMultiple()
                    + ", which the second look's " + DetectorSettings.SecondLook.inputPx() + "-pixel input is not; set 0");
        }
        DetectorSettings.SecondLook secondLook = detector.sizeMultiple() > 0
                ? new DetectorSettings.SecondLook(secondLookBelow,
                        config.get(FacePipelineOptions.DETECTOR_SECOND_LOOK_THRESHOLD).floatValue(),
                        config.get(FacePipelineOptions.DETECTOR_SECOND_LOOK_MAX_FACES))
                : DetectorSettings.SecondLook.OFF;
        DetectorSettings detection = new DetectorSettings(
                (float) (score != null ? score : detector.defaultScoreThreshold()),
                (float) (nms != null ? nms : detector.defaultNmsIou()),
                config.get(FacePipelineOptions.DETECTOR_MIN_FACE_SIZE), config.get(FacePipelineOptions.DETECTOR_MAX_FACES),
                inputSize, secondLook);
        InferenceSettings inference = new InferenceSettings(
                InferenceDevice.parse(config.get(FacePipelineOptions.INFERENCE_DEVICE)),
                config.get(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS),
                config.get(FacePipelineOptions.INFERENCE_INTER_OP_THREADS),
                config.get(FacePipelineOptions.INFERENCE_DYNAMIC_BATCH));
        // At the precision of the scores it is compared with (float), so that a score reaches it exactly as before.
        double matchThreshold = (float) (threshold != null ? threshold : recognizer.defaultMatchThreshold());
        return new PipelineSettings(detector, recognizer, detection, matchThreshold,
                config.get(FacePipelineOptions.ALIGN_SMOOTH_BELOW_PX),
                decodeLimits(config),
                inference, Batching.OFF, previous(config, manifest, recognizer));
    }

    private static PreviousRecognizer previous(FaceStreamConfig config, ModelManifest manifest, RecognizerModel recognizer) {
        String id = config.get(FacePipelineOptions.RECOGNIZER_PREVIOUS_MODEL);
        if (id == null || id.isBlank()) {
            return null;
        }
        if (id.equals(recognizer.id())) {
            throw new ConfigException("configuration key '" + FacePipelineOptions.RECOGNIZER_PREVIOUS_MODEL.name()
                    + "': '" + id + "' is recognizer.model itself; a switch needs another recognizer id (unset it when "
                    + "no switch is under way)");
        }
        RecognizerModel previous = naming(FacePipelineOptions.RECOGNIZER_PREVIOUS_MODEL, () -> manifest.recognizer(id));
        naming(FacePipelineOptions.RECOGNIZER_PREVIOUS_MODEL, () -> previous.file().verified());
        Double threshold = config.get(FacePipelineOptions.RECOGNIZER_PREVIOUS_THRESHOLD);
        return new PreviousRecognizer(previous, (float) (threshold != null ? threshold : previous.defaultMatchThreshold()));
    }

    private static <T> T naming(ConfigKey<?> key, Supplier<T> step) {
        try {
            return step.get();
        } catch (ModelException e) {
            throw new ConfigException("configuration key '" + key.name() + "': " + e.getMessage());
        }
    }

    public PipelineSettings withInference(InferenceSettings newInference) {
        return new PipelineSettings(detector, recognizer, detection, matchThreshold, smoothBelowPx, decodeLimits, newInference, batching,
                previous);
    }

    public PipelineSettings withBatching(Batching newBatching) {
        return new PipelineSettings(detector, recognizer, detection, matchThreshold, smoothBelowPx, decodeLimits, inference, newBatching,
                previous);
    }

    /** The same settings without a switch: the pipeline that embeds with the new recognizer only. */
    public PipelineSettings withoutPrevious() {
        return new PipelineSettings(detector, recognizer, detection, matchThreshold, smoothBelowPx, decodeLimits, inference, batching,
                null);
    }

    private static DecodeLimits decodeLimits(FaceStreamConfig config) {
        long pixels = config.get(FacePipelineOptions.DECODE_MAX_PIXELS);
        long bytes = config.get(FacePipelineOptions.DECODE_MAX_BYTES);
        long memoryMb = config.get(FacePipelineOptions.DECODE_MAX_MEMORY_MB);
        try {
            return memoryMb == 0 ? new DecodeLimits(pixels, bytes) : new DecodeLimits(pixels, bytes, memoryMb * 1024 * 1024);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + FacePipelineOptions.DECODE_MAX_MEMORY_MB.name() + "': "
                    + e.getMessage());
        }
    }
}
