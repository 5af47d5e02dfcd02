package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.pipeline.Face;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by frame: merges the answers of every gallery shard into the frame's matches (for each
 * face the highest-scoring person over all shards, and the best score of anyone else) and
 * passes the frame on once all shards have answered. A frame's answers all precede the same checkpoint barrier, so a checkpoint never
 * holds half a frame here. During a recognizer switch each frame is matched wholly by one recognizer: the new one
 * when every shard said its new gallery was complete, else the previous one (whose gallery is).
 */
public class MatchGatherFunction extends KeyedProcessFunction<String, ShardMatches, MatchedFrame> {
    private static final ValueStateDescriptor<ShardMatches> PARTIAL = new ValueStateDescriptor<>("partial",
            TypeInformation.of(ShardMatches.class));
    private static final ValueStateDescriptor<Integer> ANSWERS = new ValueStateDescriptor<>("answers", Integer.class);

    private final MatchSettings settings;
    private final int cameraLimit;
    private transient ValueState<ShardMatches> partial;
    private transient ValueState<Integer> answers;
    private transient Counter framesCompleted;
    private transient CameraCounters framesCompletedPerCamera;
    private transient Counter matches;
    private transient Counter unknownFaces;
    private transient OperatorMetrics.SynchronizedHistogram endToEndLatency;
    private transient LongCounter completedAccumulator;
    private transient LongCounter facesAccumulator;
    private transient LongCounter unknownAccumulator;

    public MatchGatherFunction(MatchSettings settings) {
        this(settings, 0);
    }

    /** Counting completed frames per camera for up to {@code cameraLimit} cameras ({@link CameraCounters}). */
    public MatchGatherFunction(MatchSettings settings, int cameraLimit) {
        this.settings = settings;
        this.cameraLimit = cameraLimit;
    }

    @Override
    public void open(OpenContext openContext) {
        partial = getRuntimeContext().getState(PARTIAL);
        answers = getRuntimeContext().getState(ANSWERS);
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesCompleted = metrics.counter(StreamMetrics.FRAMES_COMPLETED);
        framesCompletedPerCamera = new CameraCounters(metrics, StreamMetrics.FRAMES_COMPLETED, cameraLimit);
        matches = metrics.counter(StreamMetrics.MATCHES);
        unknownFaces = metrics.counter(StreamMetrics.UNKNOWN_FACES);
        endToEndLatency = metrics.histogram(StreamMetrics.END_TO_END_LATENCY_MS);
        completedAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FRAMES_COMPLETED);
        facesAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FACES_DETECTED);
        unknownAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.UNKNOWN_FACES);
    }

    @Override
    public void processElement(ShardMatches answer, Context ctx, Collector<MatchedFrame> out) throws Exception {
        ShardMatches merged = merge(partial.value(), answer);
        int count = (answers.value() == null ? 0 : answers.value()) + 1;
        if (count < answer.shards()) {
            partial.update(merged);
            answers.update(count);
            return;
        }
        partial.clear();
        answers.clear();
        emit(byOneRecognizer(merged), out);
    }

    private static ShardMatches merge(ShardMatches sofar, ShardMatches answer) {
        if (sofar == null) {
            return answer;
        }
        // One shard carries the faces' embeddings; keep its faces.
        Face[] faces = answer.faces().length > 0 && answer.faces()[0].embedding() != null ? answer.faces() : sofar.faces();
        return new ShardMatches(sofar.frameKey(), sofar.shards(), sofar.frame(), faces, merge(sofar.best(), answer.best()),
                merge(sofar.previousBest(), answer.previousBest()), sofar.ready() && answer.ready());
    }

    private static Match[] merge(Match[] sofar, Match[] answer) {
        if (sofar == null || answer == null) {
            return sofar != null ? sofar : answer;
        }
        Match[] best = sofar.clone();
        for (int i = 0; i < best.length; i++) {
            best[i] = merge(best[i], answer[i]);
        }
        return best;
    }

    /** The frame as matched by one recognizer: the new one once every shard is ready, else the previous one. */
    private ShardMatches byOneRecognizer(ShardMatches frame) {
        if (frame.previousBest() == null) {
            return frame;
        }
        Face[] faces = new Face[frame.faces().length];
        for (int i = 0; i < faces.length; i++) {
            Face face = frame.faces()[i];
            faces[i] = frame.ready() ? face.as(settings.model().equals(face.model()) ? face.embedding() : null, settings.model())
                    : face.as(GalleryShardOperator.previousEmbeddingOf(face, settings), settings.previousModel());
        }
        return new ShardMatches(frame.frameKey(), frame.shards(), frame.frame(), faces,
                frame.ready() ? frame.best() : frame.previousBest(), null, true);
    }

    /** The better of two shards' answers for a face, its runner-up the best other score of both. */
    static Match merge(Match current, Match candidate) {
        Match winner = better(candidate, current) ? candidate : current;
        Match loser = winner == candidate ? current : candidate;
        float runnerUp = max(winner.runnerUp(), loser.score());
        return new Match(winner.personId(), winner.name(), winner.score(), winner.known(), runnerUp);
    }

    /** The larger score; NaN (no score) only when both are. */
    private static float max(float a, float b) {
        if (Float.isNaN(a)) {
            return b;
        }
        return Float.isNaN(b) ? a : Math.max(a, b);
    }

    /** A known person beats an unknown; otherwise the higher score wins (NaN, an empty shard, never does). */
    private static boolean better(Match candidate, Match current) {
        if (candidate.known() != current.known()) {
            return candidate.known();
        }
        return !Float.isNaN(candidate.score()) && (Float.isNaN(current.score()) || candidate.score() > current.score());
    }

    private void emit(ShardMatches frame, Collector<MatchedFrame> out) {
        framesCompleted.inc();
        framesCompletedPerCamera.inc(frame.frame().camera());
        completedAccumulator.add(1);
        facesAccumulator.add(frame.faces().length);
        endToEndLatency.update(Math.max(0, System.currentTimeMillis() - frame.frame().captureTs()));
        for (Match match : frame.best()) {
            if (match.known()) {
                matches.inc();
            } else {
                unknownFaces.inc();
                unknownAccumulator.add(1);
            }
        }
        out.collect(new MatchedFrame(frame.frame(), frame.faces(), frame.best()));
    }
}
