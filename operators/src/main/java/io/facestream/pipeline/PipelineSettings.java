package io.facestream.pipeline;

import io.facestream.config.FaceStreamConfig;
import io.facestream.config.PipelineOptions;
import io.facestream.decode.DecodeLimits;
import io.facestream.detect.DetectorSettings;
import io.facestream.inference.InferenceDevice;
import io.facestream.inference.InferenceSettings;
import io.facestream.model.DetectorModel;
import io.facestream.model.ModelManifest;
import io.facestream.model.RecognizerModel;
import java.io.Serializable;
import java.nio.file.Path;

/** The configuration resolved against the model manifest: which models, thresholds, limits, device. */
public record PipelineSettings(DetectorModel detector, RecognizerModel recognizer, DetectorSettings detection,
                               float matchThreshold, DecodeLimits decodeLimits, InferenceSettings inference)
        implements Serializable {

    public static PipelineSettings from(FaceStreamConfig config) {
        Path modelsDir = Path.of(config.get(PipelineOptions.MODELS_DIR));
        String manifestFile = config.get(PipelineOptions.MODELS_MANIFEST);
        ModelManifest manifest = ModelManifest.load(manifestFile != null ? Path.of(manifestFile) : modelsDir.resolve("models.json"));
        DetectorModel detector = manifest.detector(config.get(PipelineOptions.DETECTOR_MODEL));
        RecognizerModel recognizer = manifest.recognizer(config.get(PipelineOptions.RECOGNIZER_MODEL));
        Double score = config.get(PipelineOptions.DETECTOR_SCORE_THRESHOLD);
        Double nms = config.get(PipelineOptions.DETECTOR_NMS_IOU);
        Double threshold = config.get(PipelineOptions.RECOGNIZER_THRESHOLD);
        DetectorSettings detection = new DetectorSettings(
                (float) (score != null ? score : detector.defaultScoreThreshold()),
                (float) (nms != null ? nms : detector.defaultNmsIou()),
                config.get(PipelineOptions.DETECTOR_MIN_FACE_SIZE));
        InferenceSettings inference = new InferenceSettings(
                InferenceDevice.parse(config.get(PipelineOptions.INFERENCE_DEVICE)),
                config.get(PipelineOptions.INFERENCE_INTRA_OP_THREADS),
                config.get(PipelineOptions.INFERENCE_INTER_OP_THREADS),
                config.get(PipelineOptions.INFERENCE_DYNAMIC_BATCH));
        return new PipelineSettings(detector, recognizer, detection,
                (float) (threshold != null ? threshold : recognizer.defaultMatchThreshold()),
                new DecodeLimits(config.get(PipelineOptions.DECODE_MAX_PIXELS), config.get(PipelineOptions.DECODE_MAX_BYTES)),
                inference);
    }

    public PipelineSettings withInference(InferenceSettings newInference) {
        return new PipelineSettings(detector, recognizer, detection, matchThreshold, decodeLimits, newInference);
    }
}
