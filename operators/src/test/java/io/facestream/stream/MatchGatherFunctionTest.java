package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.detect.DetectedFace;
import io.facestream.match.Match;
import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.serde.RawRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shards' answers for a frame become its matches once all shards answered: per face the best over all shards. */
@Tag("flink")
class MatchGatherFunctionTest {
    static ShardMatches answer(Match... best) {
        RawRecord raw = new RawRecord("cam".getBytes(), null, new String[0], new byte[0][], "frames", 0, 7, 1L);
        FrameRecord frame = new FrameRecord("cam", 7, 1000L, raw, null);
        Face[] faces = new Face[best.length];
        for (int i = 0; i < faces.length; i++) {
            faces[i] = new Face(new DetectedFace(i, 0, i + 10, 10, 0.99f, new float[10]), null, "faceplugin-fr");
        }
        return new ShardMatches(ShardMatches.keyOf(frame), 2, frame, faces, best);
    }

    static MatchSettings settings(boolean emitUnknown) {
        return new MatchSettings("faceplugin-fr", 0.38f, emitUnknown, 32, 4);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ShardMatches, MatchedFrame> harness(boolean emitUnknown) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new MatchGatherFunction(settings(emitUnknown))), ShardMatches::frameKey, Types.STRING);
        harness.open();
        return harness;
    }

    /** The matches topic's records of the frames gathered so far. */
    static List<MatchRecord> records(KeyedOneInputStreamOperatorTestHarness<String, ShardMatches, MatchedFrame> harness,
            boolean emitUnknown) {
        List<MatchRecord> records = new ArrayList<>();
        for (MatchedFrame frame : harness.extractOutputValues()) {
            new MatchRecords(settings(emitUnknown)).flatMap(frame, new ListCollector<>(records));
        }
        return records;
    }

    @Test
    void eachFaceGetsTheBestPersonOverAllShardsOnceEveryShardAnswered() throws Exception {
        try (var harness = harness(true)) {
            harness.processElement(answer(new Match("ann", "Ann", 0.6f, true), Match.unknown(0.2f)), 1);
            assertThat(harness.extractOutputValues()).as("one shard of two answered").isEmpty();
            harness.processElement(answer(new Match("bob", "Bob", 0.7f, true), Match.unknown(Float.NaN)), 2);
            assertThat(records(harness, true)).extracting(MatchRecord::personId).containsExactly("bob", null);
            assertThat(records(harness, true).get(1).score()).isEqualTo(0.2f);
            // The runner-up is the best of the other people over both shards: what the sightings vote weighs.
            Match bob = harness.extractOutputValues().get(0).best()[0];
            assertThat(bob.runnerUp()).isEqualTo(0.6f);
            assertThat(bob.margin()).isCloseTo(0.1f, org.assertj.core.api.Assertions.within(1e-6f));
            assertThat(harness.numKeyedStateEntries()).as("nothing kept once the frame is out").isZero();
        }
    }

    @Test
    void aKnownPersonBeatsAHigherUnknownScoreAndUnknownFacesAreDroppedByDefault() throws Exception {
        try (var harness = harness(false)) {
            harness.processElement(answer(Match.unknown(0.3f), Match.unknown(Float.NaN)), 1);
            harness.processElement(answer(new Match("ann", "Ann", 0.4f, true), Match.unknown(0.1f)), 2);
            assertThat(records(harness, false)).singleElement().satisfies(match -> {
                assertThat(match.personId()).isEqualTo("ann");
                assertThat(match.box()).containsExactly(0f, 0f, 10f, 10f);
            });
        }
    }

    /** A shard's answer during a switch to faceplugin-fr-twin: the new gallery's best, the old one's, and readiness. */
    static ShardMatches switching(long offset, Match best, Match previousBest, boolean ready) {
        RawRecord raw = new RawRecord("cam".getBytes(), null, new String[0], new byte[0][], "frames", 0, offset, 1L);
        FrameRecord frame = new FrameRecord("cam", offset, 1000L, raw, null);
        Face face = new Face(new DetectedFace(0, 0, 10, 10, 0.99f, new float[10]), new float[] {1, 0}, "faceplugin-fr-twin",
                new float[] {0, 1});
        return new ShardMatches(ShardMatches.keyOf(frame), 2, frame, new Face[] {face}, new Match[] {best},
                new Match[] {previousBest}, ready);
    }

    @Test
    void duringARecognizerSwitchAFrameIsMatchedByTheNewGalleryOnlyOnceEveryShardIsReady() throws Exception {
        MatchSettings switchSettings = new MatchSettings("faceplugin-fr-twin", 0.38, false, 32, 4, "faceplugin-fr", 0.38);
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new MatchGatherFunction(switchSettings)), ShardMatches::frameKey, Types.STRING)) {
            harness.open();
            Match annNew = new Match("ann", "Ann", 0.9f, true);
            Match annOld = new Match("ann", "Ann", 0.8f, true);
            harness.processElement(switching(1, annNew, Match.unknown(0.1f), true), 1);
            harness.processElement(switching(1, Match.unknown(0.2f), annOld, false), 2);
            harness.processElement(switching(2, annNew, Match.unknown(0.1f), true), 3);
            harness.processElement(switching(2, Match.unknown(0.2f), annOld, true), 4);
            List<MatchedFrame> frames = harness.extractOutputValues();
            // One shard not ready: the old gallery's answer, and the face as the previous recognizer embedded it.
            assertThat(frames.get(0).best()[0].score()).isEqualTo(0.8f);
            assertThat(frames.get(0).faces()[0].model()).isEqualTo("faceplugin-fr");
            assertThat(frames.get(0).faces()[0].embedding()).containsExactly(0, 1);
            // Both ready: the new one's.
            assertThat(frames.get(1).best()[0].score()).isEqualTo(0.9f);
            assertThat(frames.get(1).faces()[0].model()).isEqualTo("faceplugin-fr-twin");
            assertThat(frames.get(1).faces()[0].embedding()).containsExactly(1, 0);
            List<MatchRecord> records = new ArrayList<>();
            for (MatchedFrame frame : frames) {
                new MatchRecords(switchSettings).flatMap(frame, new ListCollector<>(records));
            }
            assertThat(records).extracting(MatchRecord::model).as("each record names the recognizer that named the face")
                    .containsExactly("faceplugin-fr", "faceplugin-fr-twin");
        }
    }
}
