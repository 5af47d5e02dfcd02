package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.detect.DetectedFace;
import io.facestream.embed.Vectors;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.RawRecord;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One gallery shard in Flink's keyed two-input harness: updates in place, deletions, restore, other recognizers. */
@Tag("flink")
class GalleryShardOperatorTest {
    static float[] unit(int hot, float noise) {
        float[] v = new float[512];
        v[hot] = 1f;
        v[(hot + 1) % 512] = noise;
        return Vectors.l2Normalize(v);
    }

    static Person person(String id, String model, float[]... embeddings) {
        return new Person(id, "Name of " + id, model, embeddings, Person.Origin.ENROLLMENTS);
    }

    static AnalyzedFrame frame(long seq, float[]... embeddings) {
        return frame(seq, "faceplugin-fr", embeddings);
    }

    /** A frame whose faces {@code model} embedded. */
    static AnalyzedFrame frame(long seq, String model, float[]... embeddings) {
        RawRecord raw = new RawRecord("cam".getBytes(), null, new String[0], new byte[0][], "frames", 0, seq, 1L);
        Face[] faces = new Face[embeddings.length];
        for (int i = 0; i < faces.length; i++) {
            faces[i] = new Face(new DetectedFace(1, 2, 3, 4, 0.99f, new float[10]), embeddings[i], model);
        }
        return new AnalyzedFrame(new FrameRecord("cam", seq, 1000L + seq, raw, null), faces, null, null);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> harness(OperatorSubtaskState restore)
            throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new GalleryShardOperator(new MatchSettings("faceplugin-fr", 0.5f, false, 32, 4), 512, Set.of("ann", "cyd")),
                Person::id, null, Types.STRING); // frames arrive on every shard, without a key
        harness.setup();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    static List<Match> best(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> harness) {
        List<ShardMatches> answers = harness.extractOutputValues();
        return List.of(answers.get(answers.size() - 1).best());
    }

    @Test
    void otherShardsLeaveTheEmbeddingsBehind() throws Exception {
        var operator = new GalleryShardOperator(new MatchSettings("faceplugin-fr", 0.5f, false, 32, 4), 512);
        try (var second = new KeyedTwoInputStreamOperatorTestHarness<>(operator, Person::id, null, Types.STRING, 128, 2, 1)) {
            second.open();
            second.processElement2(frame(1, unit(3, 0.2f)), 2);
            assertThat(second.extractOutputValues().get(0).shards()).isEqualTo(2);
            assertThat(second.extractOutputValues().get(0).faces()[0].embedding()).isNull();
        }
    }

    @Test
    void enrollmentsAndDeletionsChangeOnlyThatPersonAndShowAtTheNextFrame() throws Exception {
        try (var harness = harness(null)) {
            harness.processElement1(person("ann", "faceplugin-fr", unit(3, 0f)), 1);
            harness.processElement1(person("bob", "faceplugin-fr", unit(9, 0f)), 1);
            harness.processElement2(frame(1, unit(3, 0.2f), unit(9, 0.2f), unit(100, 0f)), 2);
            assertThat(best(harness)).extracting(Match::personId).containsExactly("ann", "bob", null);
            assertThat(harness.extractOutputValues().get(0).shards()).isEqualTo(1);
            assertThat(harness.extractOutputValues().get(0).faces()[0].embedding())
                    .as("the first shard carries the embeddings on, for the sightings stage").isNotNull();

            harness.processElement1(Person.deletion("ann"), 3);
            harness.processElement1(person("bob", "faceplugin-fr", unit(100, 0f)), 3); // new photos of bob
            // Each change goes on to the sightings stage with what the gallery held before.
            List<GalleryChange> changes = harness.getSideOutput(GalleryShardOperator.CHANGES).stream()
                    .map(record -> record.getValue()).toList();
            assertThat(changes).extracting(change -> change.person().id()).containsExactly("ann", "bob", "ann", "bob");
            assertThat(changes.get(0).previousEmbeddings()).isEmpty();
            assertThat(changes.get(2).person().deleted()).isTrue();
            assertThat(changes.get(2).previousEmbeddings()[0]).containsExactly(unit(3, 0f));
            harness.processElement2(frame(2, unit(3, 0.2f), unit(9, 0.2f), unit(100, 0f)), 4);
            assertThat(best(harness)).extracting(Match::personId).containsExactly(null, null, "bob");
        }
    }

    @Test
    void afterARestoreTheIndexIsRebuiltFromStateAndOtherRecognizersArePassedOver() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            harness.processElement1(person("ann", "faceplugin-fr", unit(3, 0f), unit(4, 0f)), 1);
            float[] old = new float[128];
            old[3] = 1f; // another recognizer, another dimension
            harness.processElement1(person("old", "arcface-r50", old), 1);
            harness.processElement1(person("same", "arcface-r50", unit(9, 0f)), 1);
            harness.processElement1(person("gone", "faceplugin-fr", unit(20, 0f)), 1);
            harness.processElement1(Person.deletion("gone"), 1);
            snapshot = harness.snapshot(1, 2);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement2(frame(1, unit(4, 0.1f), unit(9, 0.1f), unit(20, 0.1f)), 3);
            assertThat(best(restored)).extracting(Match::personId).containsExactly("ann", null, null);
            // A face embedded by another recognizer (in flight at a restart) names no one, however close its numbers.
            restored.processElement2(frame(2, "arcface-r50", unit(4, 0.1f)), 3);
            assertThat(best(restored)).extracting(Match::personId).containsExactly((String) null);
        }
    }

    @Test
    void eachPersonOfAnotherRecognizerIsListedOnceAsADeadLetterToEnrollAgain() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            harness.processElement1(person("ann", "faceplugin-fr", unit(3, 0f)), 1);
            for (int i = 0; i < GalleryShardOperator.LISTED_PER_PASS + 2; i++) {
                harness.processElement1(person("old-" + i, "arcface-r50", unit(9, 0f)), 1);
            }
            assertThat(harness.getSideOutput(DeadLetters.TAG)).as("listed on restore only").isNull();
            snapshot = harness.snapshot(1, 2);
        }
        OperatorSubtaskState again;
        try (var restored = harness(snapshot)) {
            restored.processElement1(person("old-0", "faceplugin-fr", unit(9, 0f)), 3); // enrolled again meanwhile
            restored.setProcessingTime(10);
            // One pass of LISTED_PER_PASS people (old-0 among them, enrolled again: not listed), then frames go on.
            assertThat(restored.getSideOutput(DeadLetters.TAG)).hasSize(GalleryShardOperator.LISTED_PER_PASS - 1);
            restored.processElement2(frame(1, unit(3, 0.1f)), 4);
            assertThat(best(restored)).extracting(Match::personId).containsExactly("ann");
            restored.setProcessingTime(20);
            List<DeadLetter> listed = restored.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(listed).hasSize(GalleryShardOperator.LISTED_PER_PASS + 1)
                    .allSatisfy(letter -> assertThat(letter.stage()).isEqualTo(DeadLetters.STAGE_GALLERY))
                    .extracting(letter -> new String(letter.raw().key(), java.nio.charset.StandardCharsets.UTF_8))
                    .doesNotHaveDuplicates().doesNotContain("ann", "old-0").contains("old-1", "old-501");
            assertThat(listed.get(0).error()).contains("recognizer 'arcface-r50'", "this job uses 'faceplugin-fr'",
                    "enrolled again");
            again = restored.snapshot(2, 30);
        }
        try (var restoredAgain = harness(again)) {
            restoredAgain.setProcessingTime(40);
            assertThat(restoredAgain.getSideOutput(DeadLetters.TAG)).as("listed once, whatever the restarts").isNull();
        }
    }

    @Test
    void deletingAnIdThatNeverExistedLeavesNothingBehindAndADeletedPersonLeavesNoMarker() throws Exception {
        try (var harness = harness(null)) {
            for (int i = 0; i < 1_000; i++) {
                harness.processElement1(Person.deletion("never-" + i), 1);
            }
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.getSideOutput(GalleryShardOperator.CHANGES)).as("nothing to tell the sightings").isNull();
            harness.processElement1(person("dan", "faceplugin-fr", unit(3, 0f)), 2);
            harness.processElement1(Person.deletion("dan"), 3);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.getSideOutput(GalleryShardOperator.CHANGES)).hasSize(2);
        }
    }

    @Test
    void aGalleryDirPersonDeletedBeforeTheDirectoryIsReadStaysDeleted() throws Exception {
        try (var harness = harness(null)) {
            harness.processElement1(Person.deletion("cyd"), 1); // the topic's deletion is read first
            harness.processElement1(new Person("cyd", "Cyd", "faceplugin-fr", new float[][] {unit(3, 0f)}, Person.Origin.GALLERY_DIR), 2);
            harness.processElement2(frame(1, unit(3, 0.1f)), 3);
            assertThat(best(harness)).extracting(Match::personId).containsExactly((String) null);
        }
    }

    @Test
    void theEnrollmentsTopicOverridesGalleryDirInEitherOrder() throws Exception {
        try (var harness = harness(null)) {
            harness.processElement1(new Person("ann", "Ann", "faceplugin-fr", new float[][] {unit(3, 0f)}, Person.Origin.GALLERY_DIR), 1);
            harness.processElement1(Person.deletion("ann"), 2); // deleted through the topic
            harness.processElement1(person("bob", "faceplugin-fr", unit(9, 0f)), 3);
            harness.processElement1(new Person("bob", "Bob", "faceplugin-fr", new float[][] {unit(20, 0f)}, Person.Origin.GALLERY_DIR), 4);
            harness.processElement2(frame(1, unit(3, 0.1f), unit(9, 0.1f), unit(20, 0.1f)), 5);
            assertThat(best(harness)).extracting(Match::personId).containsExactly(null, "bob", null);
        }
    }
}
