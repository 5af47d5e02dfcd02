package io.facestream.stream;

import io.facestream.pipeline.StageListener;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;

/** The analysis stages as metrics: faces detected, detector and recognizer latency, recognizer batch sizes. */
final class AnalysisMetrics implements StageListener {
    private final Counter facesDetected;
    private final Counter facesOverLimit;
    private final Counter facesEmbedded;
    private final Counter embeddingsReused;
    private final OperatorMetrics.SynchronizedHistogram detectorLatency;
    private final OperatorMetrics.SynchronizedHistogram recognizerLatency;
    private final OperatorMetrics.SynchronizedHistogram batchSize;

    AnalysisMetrics(OperatorMetrics metrics) {
        facesDetected = metrics.counter(StreamMetrics.FACES_DETECTED);
        facesOverLimit = metrics.counter(StreamMetrics.FACES_OVER_LIMIT);
        facesEmbedded = metrics.counter(StreamMetrics.FACES_EMBEDDED);
        embeddingsReused = metrics.counter(StreamMetrics.EMBEDDINGS_REUSED);
        detectorLatency = metrics.histogram(StreamMetrics.DETECTOR_LATENCY_MS);
        recognizerLatency = metrics.histogram(StreamMetrics.RECOGNIZER_LATENCY_MS);
        batchSize = metrics.histogram(StreamMetrics.BATCH_SIZE);
    }

    @Override
    public void detected(int faces, long nanos) {
        facesDetected.inc(faces);
        detectorLatency.update(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    @Override
    public void facesOverLimit(int dropped) {
        facesOverLimit.inc(dropped);
    }

    @Override
    public void embedded(int faces, long nanos) {
        facesEmbedded.inc(faces);
        recognizerLatency.update(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    @Override
    public void reused(int faces) {
        embeddingsReused.inc(faces);
    }

    @Override
    public void recognizerBatch(int crops) {
        batchSize.update(crops);
    }
}
