package io.facestream.stream;

import io.facestream.serde.DeadLetter;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * After analysis, before the gallery: a failed frame goes to the dead-letter output and a frame
 * without a face is complete here, each counted once; only frames with faces go on to every
 * gallery shard.
 */
public class FrameRouter extends ProcessFunction<AnalyzedFrame, AnalyzedFrame> {
    private final int cameraLimit;
    private transient Counter framesCompleted;
    private transient CameraCounters framesCompletedPerCamera;
    private transient Counter framesWithoutFaces;
    private transient Counter deadLetters;
    private transient LongCounter completedAccumulator;
    private transient LongCounter withoutFacesAccumulator;
    private transient LongCounter deadLetterAccumulator;
    private transient LongCounter embeddedAccumulator;

    public FrameRouter() {
        this(0);
    }

    /** Counting completed frames per camera for up to {@code cameraLimit} cameras ({@link CameraCounters}). */
    public FrameRouter(int cameraLimit) {
        this.cameraLimit = cameraLimit;
    }

    @Override
    public void open(OpenContext openContext) {
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesCompleted = metrics.counter(StreamMetrics.FRAMES_COMPLETED);
        framesCompletedPerCamera = new CameraCounters(metrics, StreamMetrics.FRAMES_COMPLETED, cameraLimit);
        framesWithoutFaces = metrics.counter(StreamMetrics.FRAMES_WITHOUT_FACES);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
        completedAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FRAMES_COMPLETED);
        withoutFacesAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FRAMES_WITHOUT_FACES);
        deadLetterAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR);
        // Counted here: accumulators are not available to the async function that embeds.
        embeddedAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FACES_EMBEDDED);
    }

    @Override
    public void processElement(AnalyzedFrame frame, Context ctx, Collector<AnalyzedFrame> out) {
        if (frame.failed()) {
            framesCompleted.inc();
            framesCompletedPerCamera.inc(frame.frame().camera());
            completedAccumulator.add(1);
            deadLetters.inc();
            deadLetterAccumulator.add(1);
            ctx.output(DeadLetters.TAG, new DeadLetter(frame.frame().raw(), frame.errorStage(), frame.error()));
        } else if (frame.faces().length == 0) {
            framesCompleted.inc();
            framesCompletedPerCamera.inc(frame.frame().camera());
            completedAccumulator.add(1);
            framesWithoutFaces.inc();
            withoutFacesAccumulator.add(1);
        } else {
            embeddedAccumulator.add(frame.facesEmbedded());
            out.collect(frame);
        }
    }
}
