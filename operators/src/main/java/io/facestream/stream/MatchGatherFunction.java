package io.facestream.stream;

import io.facestream.detect.DetectedFace;
import io.facestream.match.Match;
import io.facestream.serde.MatchRecord;
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
 * face the highest-scoring person over all shards) and writes them once all shards have
 * answered. A frame's answers all precede the same checkpoint barrier, so a checkpoint never
 * holds half a frame here.
 */
public class MatchGatherFunction extends KeyedProcessFunction<String, ShardMatches, MatchRecord> {
    private static final ValueStateDescriptor<ShardMatches> PARTIAL = new ValueStateDescriptor<>("partial",
            TypeInformation.of(ShardMatches.class));
    private static final ValueStateDescriptor<Integer> ANSWERS = new ValueStateDescriptor<>("answers", Integer.class);

    private final MatchSettings settings;
    private transient ValueState<ShardMatches> partial;
    private transient ValueState<Integer> answers;
    private transient Counter framesCompleted;
    private transient Counter matches;
    private transient Counter unknownFaces;
    private transient OperatorMetrics.SynchronizedHistogram endToEndLatency;
    private transient LongCounter completedAccumulator;
    private transient LongCounter facesAccumulator;
    private transient LongCounter unknownAccumulator;

    public MatchGatherFunction(MatchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        partial = getRuntimeContext().getState(PARTIAL);
        answers = getRuntimeContext().getState(ANSWERS);
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesCompleted = metrics.counter(StreamMetrics.FRAMES_COMPLETED);
        matches = metrics.counter(StreamMetrics.MATCHES);
        unknownFaces = metrics.counter(StreamMetrics.UNKNOWN_FACES);
        endToEndLatency = metrics.histogram(StreamMetrics.END_TO_END_LATENCY_MS);
        completedAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FRAMES_COMPLETED);
        facesAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.FACES_DETECTED);
        unknownAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.UNKNOWN_FACES);
    }

    @Override
    public void processElement(ShardMatches answer, Context ctx, Collector<MatchRecord> out) throws Exception {
        ShardMatches merged = merge(partial.value(), answer);
        int count = (answers.value() == null ? 0 : answers.value()) + 1;
        if (count < answer.shards()) {
            partial.update(merged);
            answers.update(count);
            return;
        }
        partial.clear();
        answers.clear();
        emit(merged, out);
    }

    private static ShardMatches merge(ShardMatches sofar, ShardMatches answer) {
        if (sofar == null) {
            return answer;
        }
        Match[] best = sofar.best().clone();
        for (int i = 0; i < best.length; i++) {
            if (better(answer.best()[i], best[i])) {
                best[i] = answer.best()[i];
            }
        }
        return new ShardMatches(sofar.frameKey(), sofar.shards(), sofar.frame(), sofar.faces(), best);
    }

    /** A known person beats an unknown; otherwise the higher score wins (NaN, an empty shard, never does). */
    private static boolean better(Match candidate, Match current) {
        if (candidate.known() != current.known()) {
            return candidate.known();
        }
        return !Float.isNaN(candidate.score()) && (Float.isNaN(current.score()) || candidate.score() > current.score());
    }

    private void emit(ShardMatches frame, Collector<MatchRecord> out) {
        framesCompleted.inc();
        completedAccumulator.add(1);
        facesAccumulator.add(frame.faces().length);
        endToEndLatency.update(Math.max(0, System.currentTimeMillis() - frame.frame().captureTs()));
        for (int i = 0; i < frame.faces().length; i++) {
            Match match = frame.best()[i];
            if (match.known()) {
                matches.inc();
            } else {
                unknownFaces.inc();
                unknownAccumulator.add(1);
                if (!settings.emitUnknown()) {
                    continue;
                }
            }
            DetectedFace detection = frame.faces()[i].detection();
            out.collect(new MatchRecord(frame.frame().camera(), frame.frame().frameSeq(), frame.frame().captureTs(),
                    match.personId(), match.name(), match.score(),
                    new float[] {detection.x1(), detection.y1(), detection.x2(), detection.y2()},
                    detection.landmarks().clone(), settings.model()));
        }
    }
}
