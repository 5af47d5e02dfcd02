package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.detect.DetectedFace;
import io.facestream.embed.Vectors;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.serde.RawRecord;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The matcher in Flink's operator harness: broadcast updates, matching, dead letters, state across a restore. */
@Tag("flink")
class GalleryMatchFunctionTest {
    static float[] unit(int hot, float noise) {
        float[] v = new float[512];
        v[hot] = 1f;
        v[(hot + 1) % 512] = noise;
        return Vectors.l2Normalize(v);
    }

    static AnalyzedFrame frame(long seq, float[]... embeddings) {
        RawRecord raw = new RawRecord("cam".getBytes(), new byte[] {1}, new String[0], new byte[0][], "frames", 0, seq, 1L);
        FrameRecord record = new FrameRecord("cam", seq, 1000L + seq, raw, null);
        List<Face> faces = new java.util.ArrayList<>();
        for (float[] e : embeddings) {
            faces.add(new Face(new DetectedFace(1, 2, 3, 4, 0.99f, new float[10]), e));
        }
        return AnalyzedFrame.success(record, faces);
    }

    static Person person(String id, float[] embedding, Person.Origin origin) {
        return new Person(id, "Name of " + id, "faceplugin-fr", new float[][] {embedding}, origin);
    }

    static Person enrolled(String id, float[] embedding) {
        return person(id, embedding, Person.Origin.ENROLLMENTS);
    }

    static BroadcastOperatorTestHarness<AnalyzedFrame, Person, MatchRecord> harness(boolean emitUnknown,
                                                                                    OperatorSubtaskState restoreFrom)
            throws Exception {
        MatchSettings settings = new MatchSettings("faceplugin-fr", 0.5f, Integer.MAX_VALUE, emitUnknown);
        BroadcastOperatorTestHarness<AnalyzedFrame, Person, MatchRecord> harness = new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(new GalleryMatchFunction(settings), List.of(GalleryMatchFunction.GALLERY_STATE)),
                1, 1, 0);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    @Test
    void enrolledPeopleMatchUnknownFacesAreDroppedAndTombstonesStopMatches() throws Exception {
        try (var harness = harness(false, null)) {
            harness.processBroadcastElement(enrolled("ann", unit(3, 0f)), 1);
            harness.processElement(frame(1, unit(3, 0.2f), unit(100, 0f)), 2);
            List<MatchRecord> matches = harness.extractOutputValues();
            assertThat(matches).hasSize(1);
            assertThat(matches.get(0).personId()).isEqualTo("ann");
            assertThat(matches.get(0).camera()).isEqualTo("cam");
            assertThat(matches.get(0).frameSeq()).isEqualTo(1);
            assertThat(matches.get(0).model()).isEqualTo("faceplugin-fr");

            harness.processBroadcastElement(Person.deletion("ann"), 3);
            harness.processElement(frame(2, unit(3, 0.2f)), 4);
            assertThat(harness.extractOutputValues()).hasSize(1); // nothing new
        }
    }

    @Test
    void theEnrollmentsTopicOverridesGalleryDirInEitherOrder() throws Exception {
        try (var harness = harness(false, null)) {
            harness.processBroadcastElement(person("ann", unit(3, 0f), Person.Origin.GALLERY_DIR), 1);
            harness.processBroadcastElement(Person.deletion("ann"), 2); // deleted through the topic
            harness.processBroadcastElement(enrolled("bob", unit(9, 0f)), 3);
            harness.processBroadcastElement(person("bob", unit(20, 0f), Person.Origin.GALLERY_DIR), 4); // arrives late
            harness.processElement(frame(1, unit(3, 0.1f), unit(9, 0.1f), unit(20, 0.1f)), 5);
            assertThat(harness.extractOutputValues()).extracting(MatchRecord::personId).containsExactly("bob");
        }
    }

    @Test
    void peopleEnrolledWithAnotherRecognizerAreNotMatchedWhateverTheirDimension() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(false, null)) {
            float[] old128 = new float[128];
            old128[3] = 1f;
            harness.processBroadcastElement(new Person("old", "Old", "arcface-r50", new float[][] {old128}, Person.Origin.ENROLLMENTS), 1);
            harness.processBroadcastElement(new Person("same", "Same", "arcface-r50", new float[][] {unit(9, 0f)},
                    Person.Origin.ENROLLMENTS), 1);
            harness.processBroadcastElement(enrolled("ann", unit(3, 0f)), 1);
            snapshot = harness.snapshot(1, 2);
        }
        try (var restarted = harness(false, snapshot)) { // a restart with this job's recognizer
            restarted.processElement(frame(1, unit(3, 0.1f), unit(9, 0.1f)), 3);
            assertThat(restarted.extractOutputValues()).extracting(MatchRecord::personId).containsExactly("ann");
        }
    }

    @Test
    void withEmitUnknownEveryFaceIsWritten() throws Exception {
        try (var harness = harness(true, null)) {
            harness.processElement(frame(1, unit(3, 0f)), 1);
            assertThat(harness.extractOutputValues()).singleElement().satisfies(match -> {
                assertThat(match.personId()).isNull();
                assertThat(match.name()).isNull();
            });
        }
    }

    @Test
    void failedFramesGoToTheDeadLetterOutput() throws Exception {
        try (var harness = harness(false, null)) {
            FrameRecord record = frame(5).frame();
            harness.processElement(new StreamRecord<>(AnalyzedFrame.failure(record, DeadLetters.STAGE_TIMEOUT, "too slow"), 1));
            List<DeadLetter> letters = harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.stage()).isEqualTo("timeout");
                assertThat(letter.error()).isEqualTo("too slow");
            });
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void theGallerySurvivesASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(false, null)) {
            harness.processBroadcastElement(enrolled("ann", unit(3, 0f)), 1);
            harness.processBroadcastElement(enrolled("bob", unit(9, 0f)), 1);
            harness.processBroadcastElement(Person.deletion("bob"), 2);
            snapshot = harness.snapshot(1, 3);
        }
        try (var restored = harness(false, snapshot)) {
            restored.processElement(frame(1, unit(3, 0.1f), unit(9, 0.1f)), 4);
            assertThat(restored.extractOutputValues()).extracting(MatchRecord::personId).containsExactly("ann");
        }
    }
}
