package io.facestream.stream;

import io.facestream.decode.ImageRefusedException;
import io.facestream.inference.InferenceDevice;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.pipeline.StageListener;
import io.facestream.reuse.RecentFaces;
import io.facestream.reuse.RecentFacesByCamera;
import io.facestream.serde.FrameRecord;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the face pipeline on each frame off the task thread. Face crops of all frames in flight
 * share recognizer calls when the settings batch them.
 *
 * <p>A frame's own problem never fails the job: undecodable bytes, an analysis error, a timeout
 * or an overload each become a failed {@link AnalyzedFrame} that the next stage sends to the
 * dead-letter topic. The queue of frames waiting for a thread is bounded, and a frame that times
 * out is taken off the queue (or its thread interrupted and its result discarded), so overload
 * cannot pile up memory. Faults that no frame causes fail the task instead, so Flink restarts it
 * and the frames since the last checkpoint are analysed again: a {@link Error} (e.g. in the
 * micro-batcher's thread), and {@code maxConsecutiveFailures} analysis errors in a row (e.g. a
 * lost GPU context).
 */
public class FaceAnalysisAsyncFunction extends RichAsyncFunction<FrameRecord, AnalyzedFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalysisAsyncFunction.class);
    /** Flink's external resource name for GPUs (external-resources: gpu). */
    public static final String GPU_RESOURCE = "gpu";
    /** Faces remembered for embedding reuse over all cameras (about 3.3 kB each: some 27 MB at most). */
    static final int MAX_REMEMBERED_FACES = 8192;

    private final PipelineSettings pipelineSettings;
    private final AnalysisSettings settings;

    private transient FacePipeline pipeline;
    private transient ThreadPoolExecutor executor;
    private transient Map<ResultFuture<AnalyzedFrame>, Analysis> inFlight;
    private transient AtomicInteger consecutiveFailures;
    private transient RecentFacesByCamera recentFaces;

    public FaceAnalysisAsyncFunction(PipelineSettings pipelineSettings, AnalysisSettings settings) {
        this.pipelineSettings = pipelineSettings;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        pipeline = openPipeline(onAssignedGpu(pipelineSettings), new AnalysisMetrics(metrics));
        // The task reports RUNNING only after open(): warm the models so the first frame is not slow.
        LOG.info("models warmed up in {} ms", pipeline.warmUp().toMillis());
        int threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        String name = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        AtomicInteger threadCount = new AtomicInteger();
        // Flink admits at most `capacity` frames; timed-out ones leave the queue, so it never holds more.
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(settings.capacity()),
                runnable -> {
                    Thread thread = new Thread(runnable, "face-analysis-" + threadCount.incrementAndGet() + " (" + name + ")");
                    thread.setDaemon(true);
                    return thread;
                });
        inFlight = new ConcurrentHashMap<>();
        consecutiveFailures = new AtomicInteger();
        // Bounded over all cameras: the cameras seen longest ago, or not for a while, lose their cache, not their frames.
        recentFaces = new RecentFacesByCamera(settings.reuse(), MAX_REMEMBERED_FACES);
        metrics.group().gauge(StreamMetrics.ASYNC_IN_FLIGHT, () -> inFlight.size());
        metrics.group().gauge(StreamMetrics.ANALYSIS_QUEUE, () -> executor.getQueue().size());
        metrics.group().gauge(StreamMetrics.DECODE_MEMORY_IN_USE, () -> pipeline.decodeMemoryInUse());
        LOG.info("face analysis ready on {} with {} threads, recognizer batch {}", pipeline.device(), threads,
                pipeline.recognizerBatch());
    }

    /** Opens the pipeline this function analyses with (a seam for tests that inject faults). */
    protected FacePipeline openPipeline(PipelineSettings settings, StageListener listener) {
        return FacePipeline.open(settings, listener);
    }

    /** The GPU Flink's external resource framework assigned to this TaskManager, when CUDA is wanted. */
    private PipelineSettings onAssignedGpu(PipelineSettings wanted) {
        InferenceDevice device = wanted.inference().device();
        Set<ExternalResourceInfo> gpus = getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE);
        if (!device.wantsCuda() || gpus.isEmpty()) {
            return wanted;
        }
        String index = gpus.iterator().next().getProperty("index").orElse(Integer.toString(device.index()));
        LOG.info("using GPU {} assigned by Flink's external resource framework", index);
        return wanted.withInference(wanted.inference().withDevice(device.onGpu(Integer.parseInt(index.trim()))));
    }

    @Override
    public void asyncInvoke(FrameRecord frame, ResultFuture<AnalyzedFrame> resultFuture) {
        Analysis analysis = new Analysis(frame, resultFuture);
        inFlight.put(resultFuture, analysis);
        try {
            executor.execute(analysis);
        } catch (RejectedExecutionException e) {
            inFlight.remove(resultFuture);
            resultFuture.complete(Collections.singleton(AnalyzedFrame.failure(frame, DeadLetters.STAGE_OVERLOAD,
                    "analysis queue full (" + settings.capacity() + " frames waiting)")));
        }
    }

    @Override
    public void timeout(FrameRecord frame, ResultFuture<AnalyzedFrame> resultFuture) {
        Analysis analysis = inFlight.remove(resultFuture);
        if (analysis != null) {
            analysis.cancel(true); // a queued frame never runs; a running one is interrupted and its result dropped
            executor.remove(analysis); // and its image leaves the queue now, not when a thread reaches it
        }
        resultFuture.complete(Collections.singleton(AnalyzedFrame.failure(frame, DeadLetters.STAGE_TIMEOUT,
                "analysis did not finish within async.timeout-ms=" + settings.timeoutMs())));
    }

    /** Frames waiting for a thread: for tests and the {@code analysisQueue} gauge. */
    int queued() {
        return executor.getQueue().size();
    }

    private AnalyzedFrame analyze(FrameRecord frame) {
        try {
            if (!settings.reuse().enabled()) {
                return AnalyzedFrame.success(frame, pipeline.analyze(frame.image(), true));
            }
            RecentFaces recent = recentFaces.of(frame.camera(), System.currentTimeMillis());
            return AnalyzedFrame.success(frame, pipeline.analyze(frame.image(), recent, frame.captureTs()));
        } catch (ImageRefusedException e) {
            return AnalyzedFrame.failure(frame, DeadLetters.STAGE_DECODE, e.getMessage());
        }
    }

    /** One frame's analysis; completes the frame's result when it ends, unless it was cancelled. */
    private final class Analysis extends FutureTask<AnalyzedFrame> {
        private final FrameRecord frame;
        private final ResultFuture<AnalyzedFrame> resultFuture;

        Analysis(FrameRecord frame, ResultFuture<AnalyzedFrame> resultFuture) {
            super(() -> analyze(frame));
            this.frame = frame;
            this.resultFuture = resultFuture;
        }

        @Override
        protected void done() {
            inFlight.remove(resultFuture);
            if (isCancelled()) {
                return; // timed out: already answered
            }
            try {
                AnalyzedFrame result = get();
                if (!DeadLetters.STAGE_DECODE.equals(result.errorStage())) {
                    consecutiveFailures.set(0);
                }
                resultFuture.complete(Collections.singleton(result));
            } catch (ExecutionException e) {
                failed(unwrap(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void failed(Throwable cause) {
            if (cause instanceof Error) {
                LOG.error("analysis hit a fatal error; failing the task so Flink restarts it", cause);
                resultFuture.completeExceptionally(cause);
                return;
            }
            int failures = consecutiveFailures.incrementAndGet();
            String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (failures >= settings.maxConsecutiveFailures()) {
                resultFuture.completeExceptionally(new IllegalStateException("analysis failed for " + failures
                        + " frames in a row (async.max-consecutive-failures=" + settings.maxConsecutiveFailures()
                        + "), last: " + reason + "; failing the task so Flink restarts it", cause));
                return;
            }
            resultFuture.complete(Collections.singleton(AnalyzedFrame.failure(frame, DeadLetters.STAGE_ANALYSIS, reason)));
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
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
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
