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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The sightings operator: capture order from unordered frames, closing by event and processing time, state, enrollments. */
@Tag("flink")
class SightingsFunctionTest {
    private static final String MODEL = "faceplugin-fr";
    private static final long IDLE_CLOSE_MS = 10_000;
    private static final TrackingSettings SETTINGS = new TrackingSettings(SightingSettings.defaults(0.38), 86_400_000L,
            IDLE_CLOSE_MS);

    static float[] embeddingOf(int person) {
        float[] embedding = new float[512];
        embedding[person] = 1;
        return embedding;
    }

    /** One frame of camera "cam" showing {@code person} at a fixed place; recognised when {@code known}. */
    static MatchedFrame frame(long seq, long captureTs, int person, boolean known) {
        RawRecord raw = new RawRecord("cam".getBytes(), null, new String[0], new byte[0][], "frames", 0, seq, captureTs);
        FrameRecord frame = new FrameRecord("cam", seq, captureTs, raw, null);
        Face face = new Face(new DetectedFace(100, 100, 220, 240, 0.97f, new float[10]), embeddingOf(person));
        Match match = known ? new Match("p" + person, "Person " + person, 0.8f, true, 0.1f) : Match.unknown(0.1f);
        return new MatchedFrame(frame, new Face[] {face}, new Match[] {match});
    }

    static GalleryChange enrolled(int person, String model) {
        return new GalleryChange(new Person("p" + person, "Person " + person, model, new float[][] {embeddingOf(person)},
                Person.Origin.ENROLLMENTS), new float[0][]);
    }

    static GalleryChange deleted(int person) {
        return new GalleryChange(Person.deletion("p" + person), new float[][] {embeddingOf(person)});
    }

    static KeyedBroadcastOperatorTestHarness<String, MatchedFrame, GalleryChange, Sighting> harness(OperatorSubtaskState restore)
            throws Exception {
        var harness = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new SightingsFunction(SETTINGS, MODEL), List.of(SightingsFunction.GALLERY_CHANGES_BROADCAST,
                        SightingsFunction.RECENT_ENROLLMENTS)),
                (MatchedFrame frame) -> frame.frame().camera(), Types.STRING, 128, 1, 0);
        harness.setup();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE); // enrollments are outside event time, as in the job
        return harness;
    }

    static List<String> describe(List<Sighting> sightings) {
        return sightings.stream().map(s -> s.state().wire() + " " + s.personId() + " #" + s.trackId()
                + (s.retroactive() ? " retroactive" : "")).toList();
    }

    @Test
    void framesArrivingOutOfOrderAreTrackedInCaptureOrder() throws Exception {
        List<MatchedFrame> frames = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            frames.add(frame(k, 1_000 + 100L * k, 1, true));
        }
        Collections.shuffle(frames, new Random(7));
        try (var harness = harness(null)) {
            for (MatchedFrame frame : frames) {
                harness.processElement(frame, frame.frame().captureTs());
            }
            assertThat(harness.extractOutputValues()).as("nothing before the watermark passes").isEmpty();
            harness.processWatermark(2_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1");
            Sighting open = harness.extractOutputValues().get(0);
            // Named at its third face in capture order, whatever order the frames came in.
            assertThat(open.firstSeen()).isEqualTo(1_000);
            assertThat(open.lastSeen()).isEqualTo(1_200);
            assertThat(open.faces()).isEqualTo(3);

            harness.processWatermark(1_900 + 2_001);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1", "closed p1 #1");
            Sighting closed = harness.extractOutputValues().get(1);
            assertThat(closed.lastSeen()).isEqualTo(1_900);
            assertThat(closed.faces()).isEqualTo(10);
        }
    }

    @Test
    void aFrameBehindTheWatermarkWhoseSliceIsStillPendingWaitsForItsTurn() throws Exception {
        try (var harness = harness(null)) {
            harness.processElement(frame(0, 1_000, 1, true), 1_000);
            harness.processWatermark(1_100); // inside the slice 1000-1199: frame 0 still waits
            harness.processElement(frame(1, 1_050, 1, true), 1_050); // behind the watermark, not behind its slice
            harness.processElement(frame(2, 1_150, 1, true), 1_150);
            harness.processWatermark(2_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1");
            Sighting open = harness.extractOutputValues().get(0);
            assertThat(open.firstSeen()).as("tracked in capture order").isEqualTo(1_000);
            assertThat(open.lastSeen()).isEqualTo(1_150);
        }
    }

    @Test
    void anExpiryTimerNeverSharesItsTimeWithASlicesRelease() {
        assertThat(SightingsFunction.expiryTime(1_399)).isEqualTo(1_400);
        assertThat(SightingsFunction.expiryTime(1_398)).isEqualTo(1_398);
        assertThat(SightingsFunction.expiryTime(-1)).isEqualTo(0);
        assertThat(SightingsFunction.expiryTime(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        for (long ts = 0; ts < 1_000; ts += 37) {
            assertThat(SightingsFunction.expiryTime(SightingsFunction.releaseTime(ts))).isNotEqualTo(SightingsFunction.releaseTime(ts));
        }
    }

    @Test
    void aFrameBehindTheWatermarkIsStillTrackedAndCounted() throws Exception {
        try (var harness = harness(null)) {
            harness.processWatermark(5_000);
            for (int k = 0; k < 4; k++) {
                harness.processElement(frame(k, 4_000 + 100L * k, 1, true), 4_000 + 100L * k);
            }
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1");
        }
    }

    @Test
    void aCameraThatStopsHasItsTracksClosedAfterTheIdleTimeEvenWhenEventTimeStandsStill() throws Exception {
        try (var harness = harness(null)) {
            harness.setProcessingTime(0);
            for (int k = 0; k < 5; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            harness.processWatermark(1_450); // the last frame is still pending
            harness.setProcessingTime(IDLE_CLOSE_MS - 1);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1");
            harness.setProcessingTime(IDLE_CLOSE_MS);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1", "closed p1 #1");
            assertThat(harness.extractOutputValues().get(1).faces()).isEqualTo(5);
        }
    }

    @Test
    void aJobDownForLongerThanTheIdleTimeDoesNotCloseTracksOnRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            harness.setProcessingTime(0);
            for (int k = 0; k < 5; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            harness.processWatermark(1_450);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            restored.setProcessingTime(5 * IDLE_CLOSE_MS); // the idle timer is long overdue
            assertThat(restored.extractOutputValues()).as("the camera gets the idle time again").isEmpty();
            restored.setProcessingTime(6 * IDLE_CLOSE_MS);
            assertThat(describe(restored.extractOutputValues())).containsExactly("closed p1 #1");
        }
    }

    @Test
    void aRestoredOperatorContinuesItsTracksWithoutWritingASightingTwice() throws Exception {
        OperatorSubtaskState snapshot;
        List<Sighting> beforeStop;
        try (var harness = harness(null)) {
            for (int k = 0; k < 6; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            harness.processWatermark(1_400); // frames 4 and 5 still wait for event time (released by 200 ms slices)
            snapshot = harness.snapshot(1, 1);
            beforeStop = List.copyOf(harness.extractOutputValues());
        }
        assertThat(describe(beforeStop)).containsExactly("open p1 #1");
        try (var restored = harness(snapshot)) {
            for (int k = 6; k < 12; k++) {
                restored.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            restored.processWatermark(10_000);
            assertThat(describe(restored.extractOutputValues())).containsExactly("closed p1 #1");
            Sighting closed = restored.extractOutputValues().get(0);
            assertThat(closed.firstSeen()).isEqualTo(1_000);
            assertThat(closed.faces()).as("the frames pending at the snapshot were not lost").isEqualTo(12);
        }
    }

    @Test
    void aPersonEnrolledWhileTheirFramesWaitForEventTimeIsNamedFromTheFirstFrame() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) { // matched before the enrollment reached the gallery shard
                harness.processElement(frame(k, 1_000 + 100L * k, 5, false), 1_000 + 100L * k);
            }
            harness.processBroadcastElement(enrolled(5, MODEL), 1_000);
            assertThat(harness.extractOutputValues()).as("nothing tracked before event time passes").isEmpty();
            harness.processWatermark(2_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p5 #1");
            Sighting open = harness.extractOutputValues().get(0);
            assertThat(open.firstSeen()).isEqualTo(1_000);
            assertThat(open.retroactive()).as("named as the frames are tracked, not after the fact").isFalse();
        }
    }

    @Test
    void onlyTheLatestEnrollmentsAreKeptForFramesInFlight() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 5, false), 1_000 + 100L * k);
            }
            harness.processBroadcastElement(enrolled(5, MODEL), 1_000);
            for (int other = 100; other < 100 + SightingsFunction.RECENT_ENROLLMENTS_KEPT; other++) {
                harness.setProcessingTime(other); // later than person 5's enrollment
                harness.processBroadcastElement(enrolled(other, MODEL), 1_000);
            }
            harness.processWatermark(2_000);
            assertThat(harness.extractOutputValues()).as("person 5 no longer among the latest").isEmpty();
        }
    }

    @Test
    void aPersonEnrolledThenDeletedWhileTheirFramesWaitStaysUnnamed() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 4; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 5, false), 1_000 + 100L * k);
            }
            harness.processBroadcastElement(enrolled(5, MODEL), 1_000);
            harness.processBroadcastElement(deleted(5), 1_001);
            harness.processWatermark(2_000);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aPersonEnrolledAfterTheyWereSeenIsFoundInTheTracksThatEndedUnnamed() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 8; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 5, false), 1_000 + 100L * k);
            }
            harness.processWatermark(20_000);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processBroadcastElement(enrolled(6, MODEL), 20_001);
            assertThat(harness.extractOutputValues()).as("someone else").isEmpty();
            harness.processBroadcastElement(enrolled(5, "another-model"), 20_002);
            assertThat(harness.extractOutputValues()).as("another recognizer's embeddings").isEmpty();
            harness.processBroadcastElement(enrolled(5, MODEL), 20_003);
            assertThat(describe(harness.extractOutputValues())).containsExactly("closed p5 #1 retroactive");
            Sighting found = harness.extractOutputValues().get(0);
            assertThat(found.name()).isEqualTo("Person 5");
            assertThat(found.firstSeen()).isEqualTo(1_000);
            assertThat(found.lastSeen()).isEqualTo(1_700);

            // Found once: the kept faces are erased when named, so enrolling again finds nothing more.
            harness.processBroadcastElement(enrolled(5, MODEL), 20_004);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void deletingAPersonErasesTheFacesKeptOfThemSoTheyCannotBeFoundAfterwards() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 8; k++) {
                MatchedFrame five = frame(k, 1_000 + 100L * k, 5, false);
                MatchedFrame six = frame(100 + k, 10_000 + 100L * k, 6, false);
                harness.processElement(five, five.frame().captureTs());
                harness.processElement(six, six.frame().captureTs());
            }
            harness.processWatermark(30_000); // both tracks ended unnamed and are kept
            harness.processBroadcastElement(deleted(5), 30_001);
            harness.processBroadcastElement(enrolled(5, MODEL), 30_002);
            assertThat(harness.extractOutputValues()).as("person 5's faces were erased with the deletion").isEmpty();
            harness.processBroadcastElement(enrolled(6, MODEL), 30_003);
            assertThat(describe(harness.extractOutputValues())).containsExactly("closed p6 #2 retroactive");
        }
    }

    @Test
    void deletingAPersonClosesTheirLiveSighting() throws Exception {
        try (var harness = harness(null)) {
            for (int k = 0; k < 5; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            harness.processWatermark(1_500);
            harness.processBroadcastElement(deleted(1), 1_501);
            for (int k = 5; k < 10; k++) {
                harness.processElement(frame(k, 1_000 + 100L * k, 1, true), 1_000 + 100L * k);
            }
            harness.processWatermark(20_000);
            assertThat(describe(harness.extractOutputValues())).containsExactly("open p1 #1", "closed p1 #1");
        }
    }
}
