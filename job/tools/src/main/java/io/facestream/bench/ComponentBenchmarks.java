package io.facestream.bench;

import io.facestream.align.FaceAligner;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.PipelineOptions;
import io.facestream.config.StreamOptions;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.OpenCvLoader;
import io.facestream.detect.Letterbox;
import io.facestream.embed.Vectors;
import io.facestream.job.JobOptions;
import io.facestream.match.EmbeddingRows;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.IvfIndex;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.stream.StreamSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        try (FacePipeline pipeline = open(Map.of(PipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1"))) {
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

    /** Our detector stage against OpenCV DNN on the same model file and input size, one thread each. */
    Map<String, Double> detectorVsOpenCv(List<byte[]> frames) {
        Map<String, Double> result = new LinkedHashMap<>();
        try (FacePipeline pipeline = open(Map.of(PipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1"))) {
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
        try (FacePipeline pipeline = open(Map.of(PipelineOptions.INFERENCE_DYNAMIC_BATCH.name(), "true",
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

    /** Exact and IVF top-1 search over a synthetic, clustered gallery of {@code size} embeddings. */
    Map<String, Object> gallery(int size, int queries, long seed) {
        int dimension = 512;
        int perPerson = 4;
        Random random = new Random(seed);
        int people = Math.max(1, size / perPerson);
        float[] centres = new float[people * dimension];
        for (int p = 0; p < people; p++) {
            float[] centre = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) random.nextGaussian();
            }
            System.arraycopy(Vectors.l2Normalize(centre), 0, centres, p * dimension, dimension);
        }
        EmbeddingRows matrix = new EmbeddingRows(size, dimension);
        float[] row = new float[dimension];
        for (int r = 0; r < size; r++) {
            fillAround(row, 0, centres, (r % people) * dimension, dimension, random);
            matrix.set(r, row);
        }
        List<float[]> probes = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            float[] probe = new float[dimension];
            fillAround(probe, 0, centres, random.nextInt(people) * dimension, dimension, random);
            probes.add(probe);
        }
        long start = System.nanoTime();
        int[] exact = new int[queries];
        for (int q = 0; q < queries; q++) {
            exact[q] = matrix.best(probes.get(q));
        }
        double exactMs = (System.nanoTime() - start) / 1e6 / queries;
        int lists = Math.max(1, (int) Math.round(Math.sqrt(size)));
        long buildStart = System.nanoTime();
        IvfIndex index = IvfIndex.build(matrix, lists, 5, Math.min(size, 40 * lists), seed);
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        // An eighth of the cells: recall@1 0.99 at 100k in a probe of lists/32 .. lists/4 (0.87, 0.95, 0.99, 1.00).
        int probesPerQuery = Math.max(1, lists / 8);
        start = System.nanoTime();
        int hits = 0;
        for (int q = 0; q < queries; q++) {
            if (index.search(probes.get(q), probesPerQuery).row() == exact[q]) {
                hits++;
            }
        }
        double indexMs = (System.nanoTime() - start) / 1e6 / queries;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("size", size);
        result.put("exact_ms", Stopwatch.round(exactMs, 3));
        result.put("index_ms", Stopwatch.round(indexMs, 3));
        result.put("recall_at_1", Stopwatch.round(hits / (double) queries, 4));
        result.put("index_lists", lists);
        result.put("index_probes", probesPerQuery);
        result.put("index_build_s", Stopwatch.round(buildSeconds, 1));
        result.put("memory_mb", Stopwatch.round(index.memoryBytes() / 1e6, 1));
        return result;
    }

    private static void fillAround(float[] target, int offset, float[] centres, int centre, int dimension, Random random) {
        double sum = 0;
        for (int i = 0; i < dimension; i++) {
            float value = centres[centre + i] + (float) random.nextGaussian() * 0.02f;
            target[offset + i] = value;
            sum += value * value;
        }
        float inverse = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < dimension; i++) {
            target[offset + i] *= inverse;
        }
    }

}
