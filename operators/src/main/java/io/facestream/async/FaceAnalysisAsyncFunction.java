package io.facestream.async;

import io.facestream.batching.MicroBatcher;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.decode.ImageRefusedException;
import io.facestream.detect.DetectedFace;
import io.facestream.inference.InferenceDevice;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.FrameRecord;
import io.facestream.stream.AnalyzedFace;
import io.facestream.stream.AnalyzedFrame;
import io.facestream.stream.DeadLetters;
import io.facestream.stream.OperatorMetrics;
import io.facestream.stream.StreamMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.opencv.core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decode, detect, align and embed a frame on the shared inference sessions, off the task
 * thread. Face crops of all frames in flight are batched for the recognizer when the model
 * file has a dynamic batch dimension. Never fails the job: every error, timeouts included,
 * becomes a failed {@link AnalyzedFrame} that the next stage sends to the dead-letter topic.
 */
public class FaceAnalysisAsyncFunction extends RichAsyncFunction<FrameRecord, AnalyzedFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalysisAsyncFunction.class);
    /** Flink's external resource name for GPUs (external-resources: gpu). */
    public static final String GPU_RESOURCE = "gpu";

    private final FaceStreamConfig config;
    private final long timeoutMs;

    private transient FacePipeline pipeline;
    private transient ExecutorService executor;
    private transient MicroBatcher<Mat, float[]> batcher;
    private transient AtomicInteger inFlight;
    private transient Counter facesDetected;
    private transient OperatorMetrics.SynchronizedHistogram detectorLatency;
    private transient OperatorMetrics.SynchronizedHistogram recognizerLatency;
    private transient OperatorMetrics.SynchronizedHistogram batchSize;

    public FaceAnalysisAsyncFunction(FaceStreamConfig config) {
        this.config = config;
        this.timeoutMs = config.get(StreamOptions.ASYNC_TIMEOUT_MS);
    }

    @Override
    public void open(OpenContext openContext) {
        PipelineSettings settings = PipelineSettings.from(config);
        InferenceDevice device = settings.inference().device();
        Set<ExternalResourceInfo> gpus = getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE);
        if (device.wantsCuda() && !gpus.isEmpty()) {
            // Flink assigned this TaskManager its GPU(s); use the first one's index.
            String index = gpus.iterator().next().getProperty("index").orElse(Integer.toString(device.index()));
            device = device.onGpu(Integer.parseInt(index.trim()));
            LOG.info("using GPU {} assigned by Flink's external resource framework", index);
            settings = settings.withInference(settings.inference().withDevice(device));
        }
        pipeline = FacePipeline.open(settings);
        // The task reports RUNNING only after open(): warm the models so the first frame is not slow.
        LOG.info("models warmed up in {} ms", pipeline.warmUp().toMillis());
        int threads = config.get(StreamOptions.ASYNC_THREADS);
        threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        String name = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        AtomicInteger threadCount = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "face-analysis-" + threadCount.incrementAndGet() + " (" + name + ")");
            thread.setDaemon(true);
            return thread;
        });
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        facesDetected = metrics.counter(StreamMetrics.FACES_DETECTED);
        detectorLatency = metrics.histogram(StreamMetrics.DETECTOR_LATENCY_MS);
        recognizerLatency = metrics.histogram(StreamMetrics.RECOGNIZER_LATENCY_MS);
        batchSize = metrics.histogram(StreamMetrics.BATCH_SIZE);
        inFlight = new AtomicInteger();
        metrics.group().gauge(StreamMetrics.ASYNC_IN_FLIGHT, inFlight::get);
        int maxBatch = Math.min(config.get(StreamOptions.BATCHING_MAX_SIZE), pipeline.embedder().maxBatch());
        if (maxBatch > 1) {
            batcher = new MicroBatcher<>("recognizer-batcher (" + name + ")", pipeline.embedder()::embedAll, maxBatch,
                    config.get(StreamOptions.BATCHING_FLUSH_TIMEOUT_US), batchSize::update);
        }
        LOG.info("face analysis ready on {} with {} threads, recognizer batch {}", pipeline.detector().session().device(),
                threads, maxBatch);
    }

    @Override
    public void asyncInvoke(FrameRecord frame, ResultFuture<AnalyzedFrame> resultFuture) {
        inFlight.incrementAndGet();
        CompletableFuture.supplyAsync(() -> analyze(frame), executor).whenComplete((result, error) -> {
            inFlight.decrementAndGet();
            AnalyzedFrame analyzed = error == null ? result
                    : AnalyzedFrame.failure(frame, DeadLetters.STAGE_ANALYSIS, describe(error));
            resultFuture.complete(Collections.singleton(analyzed));
        });
    }

    @Override
    public void timeout(FrameRecord frame, ResultFuture<AnalyzedFrame> resultFuture) {
        resultFuture.complete(Collections.singleton(AnalyzedFrame.failure(frame, DeadLetters.STAGE_TIMEOUT,
                "analysis did not finish within async.timeout-ms=" + timeoutMs)));
    }

    private AnalyzedFrame analyze(FrameRecord frame) {
        Mat image;
        try {
            image = pipeline.decoder().decode(frame.image());
        } catch (ImageRefusedException e) {
            return AnalyzedFrame.failure(frame, DeadLetters.STAGE_DECODE, e.getMessage());
        }
        List<Mat> crops = new ArrayList<>();
        try {
            long start = System.nanoTime();
            List<DetectedFace> detections = pipeline.detector().detect(image);
            long detected = System.nanoTime();
            detectorLatency.update(TimeUnit.NANOSECONDS.toMillis(detected - start));
            facesDetected.inc(detections.size());
            for (DetectedFace detection : detections) {
                crops.add(pipeline.aligner().align(image, detection));
            }
            List<float[]> embeddings = embed(crops);
            if (!crops.isEmpty()) {
                recognizerLatency.update(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - detected));
            }
            List<AnalyzedFace> faces = new ArrayList<>(detections.size());
            for (int i = 0; i < detections.size(); i++) {
                faces.add(AnalyzedFace.of(detections.get(i), embeddings.get(i)));
            }
            return AnalyzedFrame.success(frame, faces);
        } finally {
            crops.forEach(Mat::release);
            image.release();
        }
    }

    private List<float[]> embed(List<Mat> crops) {
        if (crops.isEmpty()) {
            return List.of();
        }
        if (batcher == null) {
            crops.forEach(crop -> batchSize.update(1));
            return pipeline.embedder().embedAll(crops);
        }
        List<CompletableFuture<float[]>> futures = new ArrayList<>(crops.size());
        crops.forEach(crop -> futures.add(batcher.submit(crop)));
        List<float[]> embeddings = new ArrayList<>(crops.size());
        for (CompletableFuture<float[]> future : futures) {
            embeddings.add(future.join());
        }
        return embeddings;
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public void close() throws InterruptedException {
        if (executor != null) {
            executor.shutdownNow();
            // Inference in flight must end before the sessions can be released.
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("face analysis threads still running after 60 s; releasing the sessions anyway");
            }
        }
        if (batcher != null) {
            batcher.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
