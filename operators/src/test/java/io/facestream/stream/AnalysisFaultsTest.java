package io.facestream.stream;

import static io.facestream.stream.FaceAnalysisAsyncFunctionTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FacePipelineOptions;
import io.facestream.config.StreamOptions;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.pipeline.StageListener;
import io.facestream.serde.FrameRecord;
import io.facestream.testing.TestData;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults no frame is to blame for, injected into the real pipeline through its stage listener:
 * overload must not pile up work, and an Error or a lasting inference failure must fail the task
 * (for Flink to restart it) instead of hanging or dead-lettering every frame.
 */
@Tag("model")
@Tag("flink")
class AnalysisFaultsTest {
    static final byte[] PHOTO = TestData.bytes(TestData.sample("face-api", "sample5.jpg"));
    /** Frames whose detection started, across the analysis threads. */
    static final AtomicInteger DETECTIONS = new AtomicInteger();
    /** Faults start with the first frame, not during the models' warm-up in open(). */
    static final AtomicBoolean ARMED = new AtomicBoolean();

    enum Fault { SLOW_DETECTION, ERROR_IN_RECOGNIZER_BATCH, INFERENCE_FAILS }

    /** The real function, with a fault added where the pipeline reports its stages. */
    static final class FaultyAnalysis extends FaceAnalysisAsyncFunction {
        private final Fault fault;

        FaultyAnalysis(Map<String, String> overrides, Fault fault) {
            this(StreamSettings.from(TestData.config(overrides)), fault);
        }

        private FaultyAnalysis(StreamSettings settings, Fault fault) {
            super(settings.pipeline(), settings.analysis());
            this.fault = fault;
        }

        @Override
        protected FacePipeline openPipeline(PipelineSettings settings, StageListener metrics) {
            return FacePipeline.open(settings, new Injector(metrics, fault));
        }
    }

    record Injector(StageListener metrics, Fault fault) implements StageListener, Serializable {
        @Override
        public void detected(int faces, long nanos) {
            ARMED.set(true);
            DETECTIONS.incrementAndGet();
            metrics.detected(faces, nanos);
            if (fault == Fault.SLOW_DETECTION) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            } else if (fault == Fault.INFERENCE_FAILS) {
                throw new IllegalStateException("CUDA failure 999: the GPU context is lost");
            }
        }

        @Override
        public void recognizerBatch(int crops) {
            metrics.recognizerBatch(crops);
            if (fault == Fault.ERROR_IN_RECOGNIZER_BATCH && ARMED.get()) {
                throw new InternalError("simulated: the native runtime broke during a recognizer call");
            }
        }
    }

    static OneInputStreamOperatorTestHarness<FrameRecord, AnalyzedFrame> harness(FaceAnalysisAsyncFunction function, long timeoutMs,
                                                                                int capacity) throws Exception {
        ARMED.set(false);
        var harness = new OneInputStreamOperatorTestHarness<FrameRecord, AnalyzedFrame>(
                new AsyncWaitOperatorFactory<>(function, timeoutMs, capacity, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(FrameRecord.class).createSerializer(new SerializerConfigImpl()));
        harness.getEnvironment().setExpectedExternalFailureCause(Throwable.class); // record a task failure, do not throw
        harness.open();
        return harness;
    }

    /** Runs what the operator queued for the task thread (emitting completed results), as a task's mailbox loop would. */
    static void runMails(OneInputStreamOperatorTestHarness<?, ?> harness) throws Exception {
        synchronized (harness.getCheckpointLock()) {
            for (var mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY); mail.isPresent();
                 mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)) {
                mail.get().run();
            }
        }
    }

    static Optional<Throwable> awaitTaskFailure(OneInputStreamOperatorTestHarness<?, ?> harness, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (harness.getEnvironment().getActualExternalFailureCause().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return harness.getEnvironment().getActualExternalFailureCause().map(Throwable.class::cast);
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type, String message) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause) && String.valueOf(cause.getMessage()).contains(message)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void underOverloadTimedOutFramesLeaveTheQueueAndNeverRun() throws Exception {
        FaultyAnalysis function = new FaultyAnalysis(Map.of(StreamOptions.ASYNC_THREADS.name(), "1",
                StreamOptions.ASYNC_CAPACITY.name(), "4"), Fault.SLOW_DETECTION);
        try (var harness = harness(function, 100, 4)) {
            DETECTIONS.set(0);
            int frames = 0;
            for (int round = 0; round < 3; round++) {
                synchronized (harness.getCheckpointLock()) {
                    for (int i = 0; i < 4; i++) {
                        harness.processElement(new StreamRecord<>(frame(frames++, PHOTO), 0));
                    }
                }
                assertThat(function.queued()).as("frames waiting for the one thread").isLessThanOrEqualTo(4);
                synchronized (harness.getCheckpointLock()) {
                    harness.setProcessingTime(harness.getProcessingTime() + 101); // every frame of the round times out
                }
                assertThat(function.queued()).as("timed-out frames are taken off the queue").isZero();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400)); // the running one ends or is interrupted
            }
            runMails(harness);
            List<AnalyzedFrame> results = harness.extractOutputValues();
            assertThat(results).hasSize(frames).allSatisfy(result -> assertThat(result.errorStage()).isEqualTo("timeout"));
            assertThat(DETECTIONS.get()).as("analyses that started, of %d frames", frames).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void anErrorInTheMicroBatchersThreadFailsTheTaskInsteadOfLeavingFramesWaiting() throws Exception {
        FaultyAnalysis function = new FaultyAnalysis(Map.of(StreamOptions.ASYNC_THREADS.name(), "2",
                FacePipelineOptions.INFERENCE_DYNAMIC_BATCH.name(), "true", StreamOptions.BATCHING_MAX_SIZE.name(), "8"),
                Fault.ERROR_IN_RECOGNIZER_BATCH);
        try (var harness = harness(function, 600_000, 4)) {
            synchronized (harness.getCheckpointLock()) {
                harness.processElement(new StreamRecord<>(frame(1, PHOTO), 0));
                harness.processElement(new StreamRecord<>(frame(2, PHOTO), 0));
            }
            Optional<Throwable> failure = awaitTaskFailure(harness, Duration.ofSeconds(60));
            assertThat(failure).as("the task failed").isPresent();
            assertThat(causedBy(failure.get(), InternalError.class, "the native runtime broke")).isTrue();
        }
    }

    @Test
    void aLastingInferenceFailureFailsTheTaskAfterTheConfiguredRunOfFailedFrames() throws Exception {
        FaultyAnalysis function = new FaultyAnalysis(Map.of(StreamOptions.ASYNC_THREADS.name(), "1",
                StreamOptions.ASYNC_MAX_CONSECUTIVE_FAILURES.name(), "3"), Fault.INFERENCE_FAILS);
        byte[] corrupt = Arrays.copyOf(PHOTO, 2000);
        corrupt[corrupt.length - 2] = (byte) 0xFF;
        corrupt[corrupt.length - 1] = (byte) 0xD9; // passes the header check, fails to decode: the frame's own fault
        try (var harness = harness(function, 600_000, 8)) {
            synchronized (harness.getCheckpointLock()) {
                harness.processElement(new StreamRecord<>(frame(1, PHOTO), 0));
                harness.processElement(new StreamRecord<>(frame(2, corrupt), 0));
                harness.processElement(new StreamRecord<>(frame(3, PHOTO), 0));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (harness.extractOutputValues().size() < 3 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                runMails(harness);
            }
            List<AnalyzedFrame> results = harness.extractOutputValues().stream()
                    .sorted(Comparator.comparingLong(result -> result.frame().frameSeq())).toList();
            assertThat(results).extracting(AnalyzedFrame::errorStage).containsExactly("analysis", "decode", "analysis");
            assertThat(results.get(0).error()).isEqualTo("IllegalStateException: CUDA failure 999: the GPU context is lost");
            assertThat(harness.getEnvironment().getActualExternalFailureCause()).as("two in a row: still running").isEmpty();

            synchronized (harness.getCheckpointLock()) {
                harness.processElement(new StreamRecord<>(frame(4, PHOTO), 0));
            }
            Optional<Throwable> failure = awaitTaskFailure(harness, Duration.ofSeconds(30));
            assertThat(failure).isPresent();
            assertThat(causedBy(failure.get(), IllegalStateException.class,
                    "analysis failed for 3 frames in a row (async.max-consecutive-failures=3)")).isTrue();
        }
    }
}
