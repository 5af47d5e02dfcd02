package io.facestream.stream;

import io.facestream.decode.DecodeLimits;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.ImageRefusedException;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.FrameRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts frames in and refuses, before any pixel is decoded, frames whose record or image
 * header is unusable (no camera id, bad header value, empty, truncated, not an image, over the
 * pixel or byte limit). Refusals go to the dead-letter output with their reason. Also measures
 * each camera's clock offset ({@link CameraClockOffsets}).
 */
public class FrameValidationFunction extends ProcessFunction<FrameRecord, FrameRecord> {
    private final DecodeLimits limits;
    private final int cameraLimit;
    private transient ImageDecoder decoder;
    private transient Counter framesIn;
    private transient CameraCounters framesInPerCamera;
    private transient CameraClockOffsets clockOffsets;
    private transient Counter refusals;
    private transient Counter deadLetters;
    private transient org.apache.flink.api.common.accumulators.LongCounter deadLetterAccumulator;

    public FrameValidationFunction(DecodeLimits limits) {
        this(limits, 0);
    }

    /** Counting frames per camera for up to {@code cameraLimit} cameras ({@link CameraCounters}). */
    public FrameValidationFunction(DecodeLimits limits, int cameraLimit) {
        this.limits = limits;
        this.cameraLimit = cameraLimit;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ImageDecoder(limits);
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesIn = metrics.counter(StreamMetrics.FRAMES_IN);
        framesInPerCamera = new CameraCounters(metrics, StreamMetrics.FRAMES_IN, cameraLimit);
        clockOffsets = new CameraClockOffsets(metrics, cameraLimit);
        refusals = metrics.counter(StreamMetrics.DECODE_REFUSALS);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
        deadLetterAccumulator = new org.apache.flink.api.common.accumulators.LongCounter();
        getRuntimeContext().addAccumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR, deadLetterAccumulator);
    }

    @Override
    public void processElement(FrameRecord frame, Context ctx, Collector<FrameRecord> out) {
        framesIn.inc();
        framesInPerCamera.inc(frame.camera());
        if (frame.problem() != null) {
            deadLetters.inc();
            deadLetterAccumulator.add(1);
            ctx.output(DeadLetters.TAG, new DeadLetter(frame.raw(), DeadLetters.STAGE_INPUT, frame.problem()));
            return;
        }
        // Here, before any decoding or queueing, the arrival time is the closest to when Kafka had the frame.
        clockOffsets.observe(frame.camera(), frame.captureTs(), System.currentTimeMillis());
        try {
            decoder.check(frame.image());
        } catch (ImageRefusedException e) {
            refusals.inc();
            deadLetters.inc();
            deadLetterAccumulator.add(1);
            ctx.output(DeadLetters.TAG, new DeadLetter(frame.raw(), DeadLetters.STAGE_DECODE, e.getMessage()));
            return;
        }
        out.collect(frame);
    }
}
