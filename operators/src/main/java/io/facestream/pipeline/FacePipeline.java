package io.facestream.pipeline;

import io.facestream.align.FaceAligner;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.OpenCvLoader;
import io.facestream.detect.DetectedFace;
import io.facestream.detect.FaceDetector;
import io.facestream.embed.FaceEmbedder;
import io.facestream.inference.InferenceSession;
import io.facestream.inference.SessionRegistry;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;

/**
 * Decode, detect, align and embed, over shared inference sessions. Thread-safe: the
 * sessions are, and every call works on its own buffers.
 */
public final class FacePipeline implements AutoCloseable {
    private final PipelineSettings settings;
    private final ImageDecoder decoder;
    private final FaceDetector detector;
    private final FaceAligner aligner;
    private final FaceEmbedder embedder;

    private FacePipeline(PipelineSettings settings, FaceDetector detector, FaceEmbedder embedder) {
        this.settings = settings;
        this.decoder = new ImageDecoder(settings.decodeLimits());
        this.detector = detector;
        this.aligner = new FaceAligner(settings.recognizer());
        this.embedder = embedder;
    }

    /** Loads (or shares) both models' sessions; fails fast on a missing, corrupt or mismatched model. */
    public static FacePipeline open(PipelineSettings settings) {
        OpenCvLoader.ensureLoaded();
        // Frames are detected one at a time, so only the recognizer's batch is made dynamic.
        InferenceSession detectorSession = SessionRegistry.acquire(settings.detector().file(),
                settings.detector().input(), settings.inference().withDynamicBatch(false));
        try {
            InferenceSession recognizerSession = SessionRegistry.acquire(settings.recognizer().file(),
                    settings.recognizer().input(), settings.inference());
            return new FacePipeline(settings,
                    new FaceDetector(settings.detector(), detectorSession, settings.detection()),
                    new FaceEmbedder(settings.recognizer(), recognizerSession));
        } catch (RuntimeException e) {
            detectorSession.close();
            throw e;
        }
    }

    /** Decodes and analyses one encoded image; refusals surface as {@link io.facestream.decode.ImageRefusedException}. */
    public ImageAnalysis analyze(byte[] encoded, boolean embed) {
        long start = System.nanoTime();
        Mat image = decoder.decode(encoded);
        long decoded = System.nanoTime();
        try {
            ImageAnalysis analysis = analyze(image, embed);
            StageTimings timings = analysis.timings();
            return new ImageAnalysis(analysis.width(), analysis.height(), analysis.faces(),
                    new StageTimings(decoded - start, timings.detectNanos(), timings.alignNanos(), timings.embedNanos()));
        } finally {
            image.release();
        }
    }

    /** Analyses a decoded BGR image. */
    public ImageAnalysis analyze(Mat bgr, boolean embed) {
        long start = System.nanoTime();
        List<DetectedFace> detections = detector.detect(bgr);
        long detected = System.nanoTime();
        List<Face> faces = new ArrayList<>(detections.size());
        long alignNanos = 0;
        long embedNanos = 0;
        if (embed && !detections.isEmpty()) {
            List<Mat> crops = new ArrayList<>(detections.size());
            try {
                for (DetectedFace detection : detections) {
                    crops.add(aligner.align(bgr, detection));
                }
                long aligned = System.nanoTime();
                alignNanos = aligned - detected;
                List<float[]> embeddings = embedder.embedAll(crops);
                embedNanos = System.nanoTime() - aligned;
                for (int i = 0; i < detections.size(); i++) {
                    faces.add(new Face(detections.get(i), embeddings.get(i)));
                }
            } finally {
                crops.forEach(Mat::release);
            }
        } else {
            detections.forEach(detection -> faces.add(new Face(detection, null)));
        }
        return new ImageAnalysis(bgr.cols(), bgr.rows(), faces, new StageTimings(0, detected - start, alignNanos, embedNanos));
    }

    /**
     * Runs each model once on a blank input, so the first real frame does not pay for lazy
     * initialisation (memory arenas, CUDA kernels, JIT). Returns the time it took.
     */
    public java.time.Duration warmUp() {
        long start = System.nanoTime();
        Mat blank = Mat.zeros(settings.detector().input().height(), settings.detector().input().width(),
                org.opencv.core.CvType.CV_8UC3);
        Mat crop = Mat.zeros(settings.recognizer().cropHeight(), settings.recognizer().cropWidth(),
                org.opencv.core.CvType.CV_8UC3);
        try {
            detector.detect(blank);
            embedder.embed(crop);
        } finally {
            blank.release();
            crop.release();
        }
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    public PipelineSettings settings() {
        return settings;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    public FaceDetector detector() {
        return detector;
    }

    public FaceAligner aligner() {
        return aligner;
    }

    public FaceEmbedder embedder() {
        return embedder;
    }

    @Override
    public void close() {
        detector.close();
        embedder.close();
    }
}
