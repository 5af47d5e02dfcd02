package io.facestream.bench;

import io.facestream.align.FaceAligner;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.OpenCvLoader;
import io.facestream.detect.Letterbox;
import io.facestream.job.JobOptions;
import io.facestream.match.GallerySnapshot;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.stream.StreamSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.dnn.Net;
import org.opencv.imgproc.Imgproc;

/** The parts measured without Flink or Kafka: the bare loop, the detector against OpenCV DNN, batching, the gallery. */
final class ComponentBenchmarks {
    private final FaceStreamConfig config;
    private final double seconds;

    ComponentBenchmarks(FaceStreamConfig config, double seconds) {
        this.config = config;
        this.seconds = seconds;
    }

    /** The pipeline as the job's analysis operator opens it (batching included), with {@code overrides}. */
    private FacePipeline open(Map<String, String> overrides) {
        FaceStreamConfig adjusted = config;
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            adjusted = adjusted.with(JobOptions.all().stream().filter(k -> k.name().equals(entry.getKey())).findFirst()
                    .orElseThrow(), entry.getValue());
        }
        return FacePipeline.open(StreamSettings.from(adjusted).pipeline());
    }

    /**
     * The job's analysis code (the same pipeline, opened with the same settings) and a gallery
     * search, in plain Java on {@code threads} threads, without Flink or Kafka: frames per second.
     */
    double bareFps(List<byte[]> frames, int threads) throws Exception {
        try (FacePipeline pipeline = open(Map.of(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1"))) {
            GallerySnapshot gallery = GallerySnapshot.of(List.of());
            for (int i = 0; i < 8; i++) {
                pipeline.analyze(frames.get(i % frames.size()), true);
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < frames.size(); ) {
                        ImageAnalysis analysis = pipeline.analyze(frames.get(i), true);
                        for (Face face : analysis.faces()) {
                            gallery.best(face.embedding(), pipeline.settings().matchThreshold());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            pool.shutdown();
            return frames.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Detection alone on one thread over {@code frames}, with {@code overrides} of the configuration: frames/s. */
    double detectorFps(List<byte[]> frames, Map<String, String> overrides) {
        Map<String, String> settings = new java.util.HashMap<>(overrides);
        settings.put(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1");
        try (FacePipeline pipeline = open(settings)) {
            ImageDecoder decoder = new ImageDecoder(pipeline.settings().decodeLimits());
            List<Mat> images = new ArrayList<>();
            for (byte[] frame : frames) {
                images.add(decoder.decode(frame));
            }
            AtomicInteger n = new AtomicInteger();
            try {
                return Stopwatch.perSecond(seconds, 5, () -> {
                    pipeline.analyze(images.get(n.getAndIncrement() % images.size()), false);
                    return 1;
                });
            } finally {
                images.forEach(Mat::release);
            }
        }
    }

    /** Our detector stage against OpenCV DNN on the same model file and input size, one thread each. */
    Map<String, Double> detectorVsOpenCv(List<byte[]> frames) {
        Map<String, Double> result = new LinkedHashMap<>();
        // Like for like: both letterboxed into the manifest's 640x640, one pass (the shipped settings run a frame at
        // its own size and look again at small faces: --small-faces compares those with this).
        try (FacePipeline pipeline = open(Map.of(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1",
                FacePipelineOptions.DETECTOR_INPUT_SIZE.name(), "fixed", FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0"))) {
            ImageDecoder decoder = new ImageDecoder(pipeline.settings().decodeLimits());
            List<Mat> images = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                images.add(decoder.decode(frames.get(i % frames.size())));
            }
            AtomicInteger n = new AtomicInteger();
            result.put("detector_fps", Stopwatch.perSecond(seconds, 3, () -> {
                pipeline.analyze(images.get(n.getAndIncrement() % images.size()), false); // detection only
                return 1;
            }));
            OpenCvLoader.ensureLoaded();
            int threads = Core.getNumThreads();
            Core.setNumThreads(1);
            try {
                var input = pipeline.settings().detector().input();
                Net net = Dnn.readNetFromONNX(pipeline.settings().detector().file().verified().toString());
                List<String> outputs = new ArrayList<>();
                for (int stride : pipeline.settings().detector().decoder().strides()) {
                    outputs.add(pipeline.settings().detector().decoder().scoresOutput(stride));
                    outputs.add(pipeline.settings().detector().decoder().boxesOutput(stride));
                    outputs.add(pipeline.settings().detector().decoder().landmarksOutput(stride));
                }
                List<Mat> outs = new ArrayList<>();
                result.put("opencv_dnn_fps", Stopwatch.perSecond(seconds, 3, () -> {
                    Mat image = images.get(n.getAndIncrement() % images.size());
                    Letterbox box = Letterbox.fit(image.cols(), image.rows(), input.width(), input.height());
                    Mat resized = new Mat();
                    Imgproc.resize(image, resized, new Size(box.resizedWidth(), box.resizedHeight()));
                    Mat padded = Mat.zeros(input.height(), input.width(), CvType.CV_8UC3);
                    resized.copyTo(padded.submat(0, box.resizedHeight(), 0, box.resizedWidth()));
                    Mat blob = Dnn.blobFromImage(padded, 1.0, new Size(input.width(), input.height()), new Scalar(0, 0, 0), true, false);
                    net.setInput(blob);
                    net.forward(outs, outputs);
                    resized.release();
                    padded.release();
                    blob.release();
                    return 1;
                }));
            } finally {
                Core.setNumThreads(threads);
            }
            images.forEach(Mat::release);
        }
        result.put("detector_vs_opencv", result.get("detector_fps") / result.get("opencv_dnn_fps"));
        return result;
    }

    /** Faces per second of the recognizer by batch size (dynamic batch), real aligned crops. */
    Map<Integer, Double> recognizerByBatch(List<byte[]> frames, int[] batchSizes) {
        Map<Integer, Double> facesPerSecond = new LinkedHashMap<>();
        // Batching off: each call below is one recognizer call of exactly that many crops.
        try (FacePipeline pipeline = open(Map.of(FacePipelineOptions.INFERENCE_DYNAMIC_BATCH.name(), "true",
                StreamOptions.BATCHING_MAX_SIZE.name(), "1"))) {
            ImageDecoder decoder = new ImageDecoder(pipeline.settings().decodeLimits());
            FaceAligner aligner = new FaceAligner(pipeline.settings().recognizer());
            List<Mat> crops = new ArrayList<>();
            for (int i = 0; crops.size() < 64 && i < frames.size(); i++) {
                Mat image = decoder.decode(frames.get(i));
                for (Face face : pipeline.analyze(image, false).faces()) {
                    crops.add(aligner.align(image, face.detection()));
                }
                image.release();
            }
            for (int batch : batchSizes) {
                List<Mat> slice = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    slice.add(crops.get(i % crops.size()));
                }
                facesPerSecond.put(batch, Stopwatch.perSecond(seconds / 2, 2, () -> pipeline.embedCrops(slice).size()));
            }
            crops.forEach(Mat::release);
        }
        return facesPerSecond;
    }
}
