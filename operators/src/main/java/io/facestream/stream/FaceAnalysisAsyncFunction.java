package io.facestream.stream;

import io.facestream.decode.ImageRefusedException;
import io.facestream.inference.InferenceDevice;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.FrameRecord;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * share recognizer calls when the settings batch them. Never fails the job: every error,
 * timeouts included, becomes a failed {@link AnalyzedFrame} that the next stage sends to the
 * dead-letter topic.
 */
public class FaceAnalysisAsyncFunction extends RichAsyncFunction<FrameRecord, AnalyzedFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalysisAsyncFunction.class);
    /** Flink's external resource name for GPUs (external-resources: gpu). */
    public static final String GPU_RESOURCE = "gpu";

    private final PipelineSettings pipelineSettings;
    private final AnalysisSettings settings;

    private transient FacePipeline pipeline;
    private transient ExecutorService executor;
    private transient AtomicInteger inFlight;

    public FaceAnalysisAsyncFunction(PipelineSettings pipelineSettings, AnalysisSettings settings) {
        this.pipelineSettings = pipelineSettings;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        pipeline = FacePipeline.open(onAssignedGpu(pipelineSettings), new AnalysisMetrics(metrics));
        // The task reports RUNNING only after open(): warm the models so the first frame is not slow.
        LOG.info("models warmed up in {} ms", pipeline.warmUp().toMillis());
        int threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        String name = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        AtomicInteger threadCount = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "face-analysis-" + threadCount.incrementAndGet() + " (" + name + ")");
            thread.setDaemon(true);
            return thread;
        });
        inFlight = new AtomicInteger();
        metrics.group().gauge(StreamMetrics.ASYNC_IN_FLIGHT, inFlight::get);
        LOG.info("face analysis ready on {} with {} threads, recognizer batch {}", pipeline.device(), threads,
                pipeline.recognizerBatch());
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
                "analysis did not finish within async.timeout-ms=" + settings.timeoutMs())));
    }

    private AnalyzedFrame analyze(FrameRecord frame) {
        try {
            return AnalyzedFrame.success(frame, pipeline.analyze(frame.image(), true).faces());
        } catch (ImageRefusedException e) {
            return AnalyzedFrame.failure(frame, DeadLetters.STAGE_DECODE, e.getMessage());
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
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
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
