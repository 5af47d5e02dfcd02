package io.facestream.stream;

import io.facestream.detect.DetectedFace;
import io.facestream.match.Match;
import io.facestream.serde.MatchRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** The matches topic's records of a frame: one per recognised face (and per unknown face with emit-unknown). */
public class MatchRecords implements FlatMapFunction<MatchedFrame, MatchRecord> {
    private final MatchSettings settings;

    public MatchRecords(MatchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void flatMap(MatchedFrame frame, Collector<MatchRecord> out) {
        for (int i = 0; i < frame.faces().length; i++) {
            Match match = frame.best()[i];
            if (!match.known() && !settings.emitUnknown()) {
                continue;
            }
            DetectedFace detection = frame.faces()[i].detection();
            // The recognizer that named it: during a switch, the previous one until the gallery is embedded again.
            String model = frame.faces()[i].model() != null ? frame.faces()[i].model() : settings.model();
            out.collect(new MatchRecord(frame.frame().camera(), frame.frame().frameSeq(), frame.frame().captureTs(),
                    match.personId(), match.name(), match.score(),
                    new float[] {detection.x1(), detection.y1(), detection.x2(), detection.y2()},
                    detection.landmarks().clone(), model));
        }
    }
}
