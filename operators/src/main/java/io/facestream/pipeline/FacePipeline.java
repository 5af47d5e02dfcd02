package io.facestream.pipeline;

import io.facestream.align.FaceAligner;
import io.facestream.align.FaceLooks;
import io.facestream.batching.MicroBatcher;
import io.facestream.decode.DecodeBudget;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.OpenCvLoader;
import io.facestream.detect.DetectedFace;
import io.facestream.detect.DetectorSettings;
import io.facestream.detect.FaceDetector;
import io.facestream.embed.FaceEmbedder;
import io.facestream.inference.InferenceDevice;
import io.facestream.inference.InferenceSession;
import io.facestream.inference.SessionRegistry;
import io.facestream.reuse.FaceLook;
import io.facestream.reuse.RecentFaces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * The one orchestration of the analysis: decode, detect, align, embed. The command line, the
 * job's async operator, enrollment and the benchmark's bare loop all run this code. How crops
 * become embeddings is chosen when it opens: one recognizer call per image, or, when the
 * settings ask for batching and the model's batch is dynamic, through a micro-batcher that lets
 * the crops of every image in flight share recognizer calls. Thread-safe: the sessions are, and
 * every call works on its own buffers.
 */
public final class FacePipeline implements AutoCloseable {
    private final PipelineSettings settings;
    private final ImageDecoder decoder;
    private final DecodeBudget decodeBudget;
    private final FaceDetector detector;
    private final FaceAligner aligner;
    private final FaceEmbedder embedder;
    /** During a recognizer switch, the previous recognizer and its alignment (null otherwise). */
    private final FaceAligner previousAligner;
    private final FaceEmbedder previousEmbedder;
    private final MicroBatcher<Mat, float[]> batcher;
    private final Function<List<Mat>, List<float[]>> embedStep;
    private final StageListener listener;

    private FacePipeline(PipelineSettings settings, FaceDetector detector, FaceEmbedder embedder,
                         FaceEmbedder previousEmbedder, StageListener listener) {
        this.settings = settings;
        this.decoder = new ImageDecoder(settings.decodeLimits());
        this.decodeBudget = DecodeBudget.shared(settings.decodeLimits().maxBytesInFlight());
        this.detector = detector;
        this.aligner = new FaceAligner(settings.recognizer(), settings.smoothBelowPx());
        this.embedder = embedder;
        this.previousEmbedder = previousEmbedder;
        this.previousAligner = previousEmbedder == null ? null
                : new FaceAligner(settings.previous().recognizer(), settings.smoothBelowPx());
        this.listener = listener;
        int maxBatch = Math.min(settings.batching().maxSize(), embedder.maxBatch());
        this.batcher = maxBatch > 1 ? new MicroBatcher<>("recognizer-batcher", embedder::embedAll, maxBatch,
                settings.batching().flushTimeoutMicros()) : null;
        this.embedStep = batcher != null ? batcher::submitAll : embedder::embedAll;
    }

    /** Opens with no listener. */
    public static FacePipeline open(PipelineSettings settings) {
        return open(settings, StageListener.NONE);
    }

    /** Loads (or shares) both models' sessions; fails fast on a missing, corrupt or mismatched model. */
    public static FacePipeline open(PipelineSettings settings, StageListener listener) {
        OpenCvLoader.ensureLoaded();
        // Frames are detected one at a time, so only the recognizer's batch is made dynamic; the detector's image size
        // is, when it runs frames at their own size or takes second looks at small faces.
        DetectorSettings detection = settings.detection();
        boolean anySize = detection.inputSize() == DetectorSettings.InputSize.FRAME || detection.secondLook().on();
        InferenceSession detectorSession = SessionRegistry.acquire(settings.detector().file(),
                settings.detector().input(), settings.inference().withDynamicBatch(false).withDynamicImageSize(anySize));
        InferenceSession recognizerSession = null;
        try {
            recognizerSession = SessionRegistry.acquire(settings.recognizer().file(),
                    settings.recognizer().input(), settings.inference());
            FaceEmbedder previousEmbedder = null;
            if (settings.previous() != null) {
                // The previous recognizer is called once per frame for all its crops: no micro-batching across frames.
                previousEmbedder = new FaceEmbedder(settings.previous().recognizer(),
                        SessionRegistry.acquire(settings.previous().recognizer().file(), settings.previous().recognizer().input(),
                                settings.inference()), batch -> { });
            }
            return new FacePipeline(settings,
                    new FaceDetector(settings.detector(), detectorSession, settings.detection()),
                    new FaceEmbedder(settings.recognizer(), recognizerSession, listener::recognizerBatch), previousEmbedder,
                    listener);
        } catch (RuntimeException e) {
            detectorSession.close();
            if (recognizerSession != null) {
                recognizerSession.close();
            }
            throw e;
        }
    }

    /**
     * Decodes and analyses one encoded image, with embeddings when {@code embed}; refusals
     * surface as {@link io.facestream.decode.ImageRefusedException}.
     */
    public ImageAnalysis analyze(byte[] encoded, boolean embed) {
        return analyze(encoded, embed, null, 0);
    }

    /**
     * Analyses one frame of a camera with embeddings; a face that {@code recent} (the camera's lately embedded faces)
     * says has not changed keeps its earlier embedding instead of going through the recognizer again.
     */
    public ImageAnalysis analyze(byte[] encoded, RecentFaces recent, long timestampMs) {
        return analyze(encoded, true, recent, timestampMs);
    }

    private ImageAnalysis analyze(byte[] encoded, boolean embed, RecentFaces recent, long timestampMs) {
        // The image's native memory is reserved before it exists and given back once it is released.
        try (DecodeBudget.Reservation reserved = decodeBudget.reserve(ImageDecoder.nativeBytes(decoder.check(encoded)))) {
            long start = System.nanoTime();
            Mat image = decoder.decode(encoded);
            listener.decoded(System.nanoTime() - start);
            try {
                return analyze(image, embed, recent, timestampMs);
            } finally {
                image.release();
            }
        }
    }

    /** Native memory reserved by the images being decoded and analysed in this process now. */
    public long decodeMemoryInUse() {
        return decodeBudget.inUseBytes();
    }

    /** Analyses a decoded BGR image. */
    public ImageAnalysis analyze(Mat bgr, boolean embed) {
        return analyze(bgr, embed, null, 0);
    }

    private ImageAnalysis analyze(Mat bgr, boolean embed, RecentFaces recent, long timestampMs) {
        long start = System.nanoTime();
        List<DetectedFace> detections = detector.detect(bgr);
        long detected = System.nanoTime();
        int maxFaces = settings.detection().maxFaces();
        if (detections.size() > maxFaces) { // best score first: keep the head
            listener.facesOverLimit(detections.size() - maxFaces);
            detections = detections.subList(0, maxFaces);
        }
        listener.detected(detections.size(), detected - start);
        List<Face> faces = new ArrayList<>(detections.size());
        if (!embed || detections.isEmpty()) {
            detections.forEach(detection -> faces.add(new Face(detection, null, settings.recognizer().id())));
            return new ImageAnalysis(bgr.cols(), bgr.rows(), faces, 0);
        }
        List<Mat> crops = new ArrayList<>(detections.size());
        try {
            for (DetectedFace detection : detections) {
                crops.add(aligner.align(bgr, detection));
            }
            List<FaceLook> looks = null;
            if (recent != null) {
                looks = new ArrayList<>(crops.size());
                for (int i = 0; i < crops.size(); i++) {
                    looks.add(FaceLooks.of(crops.get(i), detections.get(i)));
                }
            }
            long aligned = System.nanoTime();
            listener.aligned(crops.size(), aligned - detected);
            float[][] embeddings = recent == null ? new float[crops.size()][] : recent.reusable(timestampMs, looks);
            List<Mat> changed = new ArrayList<>();
            for (int i = 0; i < crops.size(); i++) {
                if (embeddings[i] == null) {
                    changed.add(crops.get(i));
                }
            }
            if (changed.size() < crops.size()) {
                listener.reused(crops.size() - changed.size());
            }
            if (!changed.isEmpty()) {
                Iterator<float[]> fresh = embedStep.apply(changed).iterator();
                for (int i = 0; i < crops.size(); i++) {
                    if (embeddings[i] == null) {
                        embeddings[i] = fresh.next();
                        if (recent != null) {
                            recent.embedded(timestampMs, looks.get(i), embeddings[i]);
                        }
                    }
                }
                listener.embedded(changed.size(), System.nanoTime() - aligned);
            }
            float[][] previous = previousEmbeddings(bgr, detections);
            for (int i = 0; i < detections.size(); i++) {
                faces.add(new Face(detections.get(i), embeddings[i], settings.recognizer().id(),
                        previous == null ? null : previous[i]));
            }
            return new ImageAnalysis(bgr.cols(), bgr.rows(), faces, changed.size());
        } finally {
            crops.forEach(Mat::release);
        }
    }

    /** During a recognizer switch, every face as the previous recognizer sees it (never reused); null otherwise. */
    private float[][] previousEmbeddings(Mat bgr, List<DetectedFace> detections) {
        if (previousEmbedder == null) {
            return null;
        }
        List<Mat> crops = new ArrayList<>(detections.size());
        try {
            for (DetectedFace detection : detections) {
                crops.add(previousAligner.align(bgr, detection));
            }
            return previousEmbedder.embedAll(crops).toArray(float[][]::new);
        } finally {
            crops.forEach(Mat::release);
        }
    }

    /**
     * Embeddings of aligned crops through this pipeline's embedding step (batched as it is
     * configured): the recognizer alone, for its benchmark.
     */
    public List<float[]> embedCrops(List<Mat> alignedCrops) {
        return embedStep.apply(alignedCrops);
    }

    /**
     * Runs each model once on a blank input, so the first real frame does not pay for lazy
     * initialisation (memory arenas, CUDA kernels, JIT). Returns the time it took.
     */
    public Duration warmUp() {
        long start = System.nanoTime();
        Mat blank = Mat.zeros(settings.detector().input().height(), settings.detector().input().width(), CvType.CV_8UC3);
        Mat crop = Mat.zeros(settings.recognizer().cropHeight(), settings.recognizer().cropWidth(), CvType.CV_8UC3);
        try {
            detector.detect(blank);
            embedder.embedAll(List.of(crop));
        } finally {
            blank.release();
            crop.release();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    public PipelineSettings settings() {
        return settings;
    }

    /** The device inference really runs on (after the {@code auto} fallback). */
    public InferenceDevice device() {
        return detector.session().device();
    }

    /** The most crops one recognizer call takes here: 1 unless batching is configured and the model allows it. */
    public int recognizerBatch() {
        return batcher != null ? Math.min(settings.batching().maxSize(), embedder.maxBatch()) : 1;
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        detector.close();
        embedder.close();
        if (previousEmbedder != null) {
            previousEmbedder.close();
        }
    }
}
