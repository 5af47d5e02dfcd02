package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.detect.DetectedFace;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.RawRecord;
import io.facestream.track.Sighting;
import io.facestream.track.SightingSettings;
import io.facestream.track.TimelineSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sightings operator: each camera's frames in capture order by its own clock, tracks ending by that clock, idle
 * cameras closed and dropped, nothing any camera does to its timestamps reaching another camera, state restored,
 * enrollments and deletions. Processing time is the harness's; a camera with a right clock delivers a frame captured
 * at {@code c} at processing time {@code c + LATENCY}.
 */
@Tag("flink")
class SightingsOperatorTest {
    private static final String MODEL = "faceplugin-fr";
    static final long IDLE_CLOSE_MS = 10_000;
    static final long REORDER_MS = 2_000;
    static final long LATENCY = 50;
    static final int MAX_PENDING = 64;
    static final TrackingSettings SETTINGS = settings(100_000);

    static TrackingSettings settings(int maxKeptTracks) {
        return new TrackingSettings(SightingSettings.defaults(0.38),
                TimelineSettings.of(REORDER_MS, MAX_PENDING, 60_000, IDLE_CLOSE_MS), 86_400_000L, maxKeptTracks);
    }

    static float[] embeddingOf(int person) {
        float[] embedding = new float[512];
        embedding[person] = 1;
        return embedding;
    }

    /** One frame of {@code camera} showing {@code person} at a fixed place; recognised when {@code known}. */
    static MatchedFrame frame(String camera, long seq, long captureTs, int person, boolean known) {
        return frame(camera, seq, captureTs, person, known, MODEL);
    }

    /** ... whose face {@code model} embedded. */
    static MatchedFrame frame(String camera, long seq, long captureTs, int person, boolean known, String model) {
        RawRecord raw = new RawRecord(null, null, new String[0], new byte[0][], "frames", 0, seq, captureTs);
        FrameRecord frame = new FrameRecord(camera, seq, captureTs, raw, null);
        Face face = new Face(new DetectedFace(100, 100, 220, 240, 0.97f, new float[10]), embeddingOf(person), model);
        Match match = known ? new Match("p" + person, "Person " + person, 0.8f, true, 0.1f) : Match.unknown(0.1f);
        return new MatchedFrame(frame, new Face[] {face}, new Match[] {match});
    }

    static MatchedFrame frame(long seq, long captureTs, int person, boolean known) {
        return frame("cam", seq, captureTs, person, known);
    }

    static GalleryChange enrolled(int person, String model) {
        return new GalleryChange(new Person("p" + person, "Person " + person, model, new float[][] {embeddingOf(person)},
                Person.Origin.ENROLLMENTS), new float[0][]);
    }

    static GalleryChange deleted(int person) {
        return new GalleryChange(Person.deletion("p" + person), new float[][] {embeddingOf(person)});
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness(
            OperatorSubtaskState restore) throws Exception {
        return harness(restore, SETTINGS);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness(
            OperatorSubtaskState restore, TrackingSettings settings) throws Exception {
        return harness(restore, settings, 0);
    }

    /** A harness whose operator starts at processing time {@code startMs} (a restore happens after the snapshot). */
    static KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness(
            OperatorSubtaskState restore, TrackingSettings settings, long startMs) throws Exception {
        return harness(restore, settings, startMs, MODEL);
    }

    /** ... of a job whose recognizer is {@code model}. */
    static KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness(
            OperatorSubtaskState restore, TrackingSettings settings, long startMs, String model) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(new SightingsOperator(settings, model, 512),
                (MatchedFrame frame) -> frame.frame().camera(), null, Types.STRING); // gallery changes: every subtask
        harness.setup();
        harness.setProcessingTime(startMs);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    /** Delivers {@code frame} at processing time {@code atMs}. */
    static void arrive(KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness,
            MatchedFrame frame, long atMs) throws Exception {
        harness.setProcessingTime(atMs);
        harness.processElement1(frame, frame.frame().captureTs());
    }

    /** Frames {@code from..to-1} of person 1 on {@code camera}, 100 ms apart from {@code startMs}, each arriving on time. */
    static void stream(KeyedTwoInputStreamOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness,
            String camera, int from, int to, long startMs, long clockOffsetMs) throws Exception {
        for (int k = from; k < to; k++) {
            long capture = startMs + 100L * k;
            arrive(harness, frame(camera, k, capture - clockOffsetMs, 1, true), capture + LATENCY);
        }
    }

    static List<String> describe(List<Sighting> sightings) {
        return sightings.stream().map(s -> s.state().wire() + " " + s.camera() + " " + s.personId()
                + (s.retroactive() ? " retroactive" : "")).toList();
    }

    static List<Sighting> of(List<Sighting> sightings, String camera) {
        return sightings.stream().filter(s -> s.camera().equals(camera)).toList();
    }

    @Test
    void framesArrivingOutOfOrderAreTrackedInCaptureOrderByTheirCamerasClock() throws Exception {
        List<MatchedFrame> frames = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            frames.add(frame(k, 1_000 + 100L * k, 1, true));
        }
        Collections.shuffle(frames, new Random(7));
        try (var harness = harness(null)) {
            for (int i = 0; i < frames.size(); i++) {
                arrive(harness, frames.get(i), 1_950 + i);
            }
            assertThat(harness.extractOutputValues()).as("nothing before the camera's time passes").isEmpty();
            // Camera time = now - 59 (the least arrival - capture); slices of 1000-1199 and 1200-1399 due 2 s after.
            harness.setProcessingTime(3_460);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1");
            Sighting open = harness.extractOutputValues().get(0);
            // Named at its third face in capture order, whatever order the frames came in.
            assertThat(open.firstSeen()).isEqualTo(1_000);
            assertThat(open.lastSeen()).isEqualTo(1_200);
            assertThat(open.faces()).isEqualTo(3);

            // The last face at 1900 + the 2000 ms absence limit, read 2000 ms later off the camera's clock.
            harness.setProcessingTime(5_900);
            assertThat(harness.extractOutputValues()).hasSize(1);
            harness.setProcessingTime(6_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
            Sighting closed = harness.extractOutputValues().get(1);
            assertThat(closed.trackId()).isEqualTo(open.trackId());
            assertThat(closed.lastSeen()).isEqualTo(1_900);
            assertThat(closed.faces()).isEqualTo(10);
        }
    }

    @Test
    void aFrameLaterThanItsSliceIsTrackedAtOnceAndTheOthersWaitInOrder() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 3, 1_000, 0);
            harness.setProcessingTime(3_450); // 1000-1199 and 1200-1399 released: the track is named
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1");
            arrive(harness, frame(9, 1_100, 1, true), 3_460); // its slice went by: tracked at once, not lost
            harness.setProcessingTime(9_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
            assertThat(harness.extractOutputValues().get(1).faces()).isEqualTo(4);
        }
    }

    @Test
    void aCameraThatStopsSendingFacesHasItsTracksClosedByItsOwnClockBeforeTheIdleTime() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 5, 1_000, 0); // last face captured at 1400, arrived at 1450
            // 1400 + 2000 absence + 1, read 2000 later off the camera's clock (offset 50): 5451, far before 11450.
            harness.setProcessingTime(5_400);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1");
            harness.setProcessingTime(5_460);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
        }
    }

    @Test
    void aCameraWithAClockMinutesSlowOrFastChangesNoOtherCamerasSightings() throws Exception {
        List<String> alone;
        try (var harness = harness(null)) {
            stream(harness, "right", 0, 20, 100_000, 0);
            harness.setProcessingTime(110_000);
            alone = timeline(harness.extractOutputValues());
        }
        try (var harness = harness(null)) {
            for (int k = 0; k < 20; k++) {
                long now = 100_000 + 100L * k;
                // A camera 5 minutes slow, one 290 s fast and one whose every frame says 2001, all at once.
                arrive(harness, frame("slow", k, now - 300_000, 2, true), now + LATENCY - 1);
                arrive(harness, frame("fast", k, now + 290_000, 3, true), now + LATENCY - 1);
                arrive(harness, frame("y2001", k, 978_307_200_000L, 4, true), now + LATENCY - 1);
                arrive(harness, frame("right", k, now, 1, true), now + LATENCY);
            }
            harness.setProcessingTime(110_000);
            List<Sighting> all = harness.extractOutputValues();
            assertThat(timeline(of(all, "right"))).as("the right camera's sightings at the same moments as alone")
                    .isEqualTo(alone);
            assertThat(describe(of(all, "slow"))).containsExactly("open slow p2", "closed slow p2");
            assertThat(describe(of(all, "fast"))).containsExactly("open fast p3", "closed fast p3");
        }
    }

    /** Each sighting as "state firstSeen lastSeen faces". */
    private static List<String> timeline(List<Sighting> sightings) {
        return sightings.stream().map(s -> s.state().wire() + " " + s.firstSeen() + " " + s.lastSeen() + " " + s.faces())
                .toList();
    }

    @Test
    void aCameraWhoseClockIsSetBackClosesItsTracksAndStartsAgain() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 10, 1_000_000, 0);
            harness.setProcessingTime(1_003_000); // the first frames are tracked: named
            // The camera's clock is set back by ten minutes mid-track.
            for (int k = 10; k < 20; k++) {
                long now = 1_003_000 + 100L * k;
                arrive(harness, frame(k, now - 600_000, 1, true), now + LATENCY);
            }
            harness.setProcessingTime(1_010_000);
            assertThat(describe(harness.extractOutputValues()))
                    .containsExactly("open cam p1", "closed cam p1", "open cam p1", "closed cam p1");
            List<Sighting> out = harness.extractOutputValues();
            assertThat(out.get(1).lastSeen()).as("the old track ended with what was seen before").isEqualTo(1_000_900);
            assertThat(out.get(2).firstSeen()).isEqualTo(1_004_000 - 600_000);
            assertThat(out.get(2).trackId()).as("a new track, not a rewound one").isNotEqualTo(out.get(0).trackId());
        }
    }

    @Test
    void aCameraWithMoreFramesWaitingThanTheBoundHasItsOldestTrackedAtOnce() throws Exception {
        try (var harness = harness(null)) {
            harness.setProcessingTime(1_000);
            // A producer replaying one instant: every frame in one slice, far more than may wait.
            for (int k = 0; k < MAX_PENDING + 1; k++) {
                harness.processElement1(frame(k, 1_000, 1, true), 1_000);
            }
            assertThat(describe(harness.extractOutputValues())).as("released before the clock passes").containsExactly(
                    "open cam p1");
        }
    }

    @Test
    void aCameraSilentForTheIdleTimeIsClosedAndLeavesNoStateBehind() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 5, 1_000, 0);
            assertThat(harness.numKeyedStateEntries()).isPositive();
            harness.setProcessingTime(1_450 + IDLE_CLOSE_MS);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
            assertThat(harness.numKeyedStateEntries()).as("no state for a camera gone silent").isZero();
        }
    }

    @Test
    void thousandsOfInventedCamerasWithOneFrameEachLeaveNoStateOnceSilent() throws Exception {
        try (var harness = harness(null)) {
            for (int c = 0; c < 5_000; c++) {
                String camera = "invented-" + c + "-" + "x".repeat(200);
                arrive(harness, frame(camera, 0, 1_000_000 + c, 1, false), 1_000_050 + c);
            }
            assertThat(harness.numKeyedStateEntries()).isGreaterThanOrEqualTo(5_000);
            harness.setProcessingTime(1_010_050 + 5_000);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.extractOutputValues()).as("one unknown face each: no sighting").isEmpty();
        }
    }

    @Test
    void aJobDownForLongerThanTheIdleTimeDoesNotCloseTracksOnRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 5, 1_000, 0);
            harness.setProcessingTime(3_500); // named; the last frames still wait
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(snapshot, SETTINGS, 4 * IDLE_CLOSE_MS)) { // restored after a long downtime
            restored.setProcessingTime(5 * IDLE_CLOSE_MS - 1); // every wake-up of before is long overdue
            assertThat(restored.extractOutputValues()).as("the camera gets the idle time again").isEmpty();
            restored.setProcessingTime(5 * IDLE_CLOSE_MS);
            assertThat(describe(restored.extractOutputValues())).containsExactly("closed cam p1");
            assertThat(restored.extractOutputValues().get(0).faces()).as("the frames waiting at the snapshot").isEqualTo(5);
        }
    }

    @Test
    void aRestoredOperatorContinuesItsTracksWithoutWritingASightingTwice() throws Exception {
        OperatorSubtaskState snapshot;
        List<Sighting> beforeStop;
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 6, 1_000, 0);
            harness.setProcessingTime(3_450); // frames 4 and 5 still wait
            snapshot = harness.snapshot(1, 1);
            beforeStop = List.copyOf(harness.extractOutputValues());
        }
        assertThat(describe(beforeStop)).containsExactly("open cam p1");
        try (var restored = harness(snapshot, SETTINGS, 23_000)) {
            // Back 20 s later: the camera's frames of the downtime arrive late, as a backlog.
            for (int k = 6; k < 12; k++) {
                arrive(restored, frame(k, 1_000 + 100L * k, 1, true), 23_000 + k);
            }
            restored.setProcessingTime(23_100 + 6_000);
            assertThat(describe(restored.extractOutputValues())).containsExactly("closed cam p1");
            Sighting closed = restored.extractOutputValues().get(0);
            assertThat(closed.trackId()).isEqualTo(beforeStop.get(0).trackId());
            assertThat(closed.faces()).as("the frames pending at the snapshot were not lost").isEqualTo(12);
        }
    }

    @Test
    void theEndOfTheFramesTracksAndClosesEverything() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 5, 1_000, 0);
            harness.endInput1();
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
            assertThat(harness.extractOutputValues().get(1).faces()).isEqualTo(5);
        }
    }

    @Test
    void aPersonEnrolledWhileTheirFramesWaitIsNamedFromTheFirstFrame() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) { // matched before the enrollment reached the gallery shard
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.processElement2(enrolled(5, MODEL), 1_400);
            assertThat(harness.extractOutputValues()).as("nothing tracked before the camera's time passes").isEmpty();
            harness.setProcessingTime(4_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p5");
            Sighting open = harness.extractOutputValues().get(0);
            assertThat(open.firstSeen()).isEqualTo(1_000);
            assertThat(open.retroactive()).as("named as the frames are tracked, not after the fact").isFalse();
        }
    }

    @Test
    void onlyTheLatestEnrollmentsAreKeptForFramesInFlight() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) {
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.processElement2(enrolled(5, MODEL), 1_400);
            for (int other = 100; other < 100 + SightingsOperator.RECENT_ENROLLMENTS_KEPT; other++) {
                harness.processElement2(enrolled(other, MODEL), 1_400);
            }
            harness.setProcessingTime(4_000);
            assertThat(harness.extractOutputValues()).as("person 5 no longer among the latest").isEmpty();
        }
    }

    @Test
    void aDeletedPersonIsNeverNamedByFramesMatchedBeforeTheDeletionNorByLiveVotes() throws Exception {
        try (var harness = harness(null)) {
            // Two faces recognised as p1: a live vote below the three needed.
            stream(harness, "cam", 0, 2, 1_000, 0);
            harness.setProcessingTime(3_300);
            harness.processElement2(deleted(1), 3_300);
            // Frames the gallery matched before the deletion reached it, still on their way or waiting here.
            stream(harness, "cam", 2, 8, 1_000, 0);
            harness.setProcessingTime(9_000);
            assertThat(harness.extractOutputValues()).as("nothing names the deleted person").isEmpty();
        }
    }

    @Test
    void aPersonEnrolledThenDeletedWhileTheirFramesWaitStaysUnnamed() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) {
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.processElement2(enrolled(5, MODEL), 1_400);
            harness.processElement2(deleted(5), 1_401);
            harness.setProcessingTime(9_000);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aPersonEnrolledAfterTheyWereSeenIsFoundInTheTracksThatEndedUnnamed() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "other", 0, 8, 1_000, 0); // somebody else's ended track on another camera
            for (int k = 0; k < 8; k++) {
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k + 1);
            }
            harness.setProcessingTime(8_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open other p1", "closed other p1");

            harness.processElement2(enrolled(6, MODEL), 8_001);
            harness.processElement2(enrolled(5, "another-model"), 8_002);
            assertThat(harness.extractOutputValues()).as("someone else; another recognizer's embeddings").hasSize(2);
            harness.processElement2(enrolled(5, MODEL), 8_003);
            List<Sighting> found = of(harness.extractOutputValues(), "cam");
            assertThat(describe(found)).containsExactly("closed cam p5 retroactive");
            assertThat(found.get(0).name()).isEqualTo("Person 5");
            assertThat(found.get(0).firstSeen()).isEqualTo(1_000);
            assertThat(found.get(0).lastSeen()).isEqualTo(1_700);

            // Found once: the kept faces are erased when named, so enrolling again finds nothing more.
            harness.processElement2(enrolled(5, MODEL), 8_004);
            assertThat(harness.extractOutputValues()).hasSize(3);
        }
    }

    @Test
    void aLiveUnnamedTrackIsNamedWhenItsPersonIsEnrolled() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 6; k++) {
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.setProcessingTime(3_700); // all tracked: a live track, unnamed
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processElement2(enrolled(5, MODEL), 3_700);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p5 retroactive");
        }
    }

    @Test
    void deletingAPersonErasesTheFacesKeptOfThemSoTheyCannotBeFoundAfterwards() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 8; k++) {
                arrive(harness, frame("cam5", k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
                arrive(harness, frame("cam6", k, 1_000 + 100L * k, 6, false), 1_050 + 100L * k);
            }
            harness.setProcessingTime(8_000); // both tracks ended unnamed and are kept
            harness.processElement2(deleted(5), 8_001);
            harness.processElement2(enrolled(5, MODEL), 8_002);
            assertThat(harness.extractOutputValues()).as("person 5's faces were erased with the deletion").isEmpty();
            harness.processElement2(enrolled(6, MODEL), 8_003);
            assertThat(describe(harness.extractOutputValues())).containsExactly("closed cam6 p6 retroactive");
        }
    }

    @Test
    void framesEmbeddedByAnotherRecognizerLendTheirTracksNeitherAppearanceNorKeptFaces() throws Exception {
        try (var harness = harness(null)) {
            // Waiting or in flight when the job restarted with this recognizer: embedded by the one before.
            for (int k = 0; k < 8; k++) {
                arrive(harness, frame("cam5", k, 1_000 + 100L * k, 5, false, "another-recognizer"), 1_050 + 100L * k);
            }
            harness.setProcessingTime(8_000); // ended unnamed
            harness.processElement2(enrolled(5, MODEL), 8_001);
            assertThat(harness.extractOutputValues()).as("no face of this recognizer was kept to name it back").isEmpty();
        }
    }

    @Test
    void aRestartWithAnotherRecognizerErasesTheFacesKeptWithTheOldOne() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            for (int k = 0; k < 8; k++) {
                arrive(harness, frame("cam5", k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.setProcessingTime(8_000); // ended unnamed, kept
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(snapshot, SETTINGS, 9_000)) {
            restored.processElement2(enrolled(5, MODEL), 9_001);
            assertThat(describe(restored.extractOutputValues())).as("same recognizer: named back")
                    .containsExactly("closed cam5 p5 retroactive");
        }
        try (var restored = harness(snapshot, SETTINGS, 9_000, "another-recognizer")) {
            // The same numbers from another recognizer mean nothing against the old one's faces: they were erased.
            restored.processElement2(enrolled(5, "another-recognizer"), 9_001);
            assertThat(restored.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void deletingAPersonClosesTheirLiveSighting() throws Exception {
        try (var harness = harness(null)) {
            stream(harness, "cam", 0, 5, 1_000, 0);
            harness.setProcessingTime(3_500);
            harness.processElement2(deleted(1), 3_500);
            stream(harness, "cam", 5, 10, 1_000, 0);
            harness.setProcessingTime(20_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open cam p1", "closed cam p1");
        }
    }

    @Test
    void aSubtaskKeepsAtMostTheBoundOfUnnamedTracksErasingTheOldestFirst() throws Exception {
        try (var harness = harness(null, settings(2))) {
            for (int person = 10; person < 13; person++) { // three unnamed tracks on three cameras, one after another
                for (int k = 0; k < 5; k++) {
                    long capture = 1_000 + 10_000L * (person - 10) + 100L * k;
                    arrive(harness, frame("cam" + person, k, capture, person, false), capture + LATENCY);
                }
                harness.setProcessingTime(1_000 + 10_000L * (person - 10) + 6_000); // ended and kept
            }
            harness.processElement2(enrolled(10, MODEL), 40_000);
            assertThat(harness.extractOutputValues()).as("the oldest was erased to keep two").isEmpty();
            harness.processElement2(enrolled(11, MODEL), 40_001);
            harness.processElement2(enrolled(12, MODEL), 40_002);
            assertThat(describe(harness.extractOutputValues()))
                    .containsExactly("closed cam11 p11 retroactive", "closed cam12 p12 retroactive");
        }
    }

    @Test
    void tracksWithFewerFacesThanAVoteNeedsAreNotKept() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 2; k++) {
                arrive(harness, frame(k, 1_000 + 100L * k, 5, false), 1_050 + 100L * k);
            }
            harness.setProcessingTime(1_150 + IDLE_CLOSE_MS);
            assertThat(harness.numKeyedStateEntries()).as("two faces could never name a track: nothing kept").isZero();
        }
    }
}
