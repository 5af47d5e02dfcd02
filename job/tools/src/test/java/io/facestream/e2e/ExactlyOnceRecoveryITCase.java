package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.json;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sendFrames;
import static io.facestream.e2e.JobTestSupport.videoFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.job.RunningJob;
import io.facestream.kafka.CommittedRecords;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is killed mid-stream; the job restarts from its last checkpoint and the
 * committed matches hold every expected match exactly once (no loss, no duplicate).
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class ExactlyOnceRecoveryITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @Test
    void committedMatchesHoldEveryExpectedMatchExactlyOnceAfterATaskManagerRestart(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("eos");
        topics.create(CLUSTER.broker());
        FaceStreamConfig config = config(CLUSTER.broker(), topics, checkpoints, Map.of(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true"));
        Map<String, List<byte[]>> cameras = new TreeMap<>();
        cameras.put("cam-franck", videoFrames("franck.mp4", 0.3, 60));
        cameras.put("cam-cap", videoFrames("cap13_edit2.mp4", 2, 60));
        int total = cameras.values().stream().mapToInt(List::size).sum();
        List<EnrollmentRequest> people = List.of(person("franck"), person("cap"));
        Map<String, Integer> expected = expectedMatches(config, people, cameras);

        try (FaceStreamProducer producer = new FaceStreamProducer(CLUSTER.broker().bootstrapServers())) {
            StreamExecutionEnvironment env = FaceStreamJob.environment(config);
            new FaceStreamJob(config).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
                people.forEach(p -> enroll(producer, topics.enrollments(), p));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= people.size(), Duration.ofMinutes(2));
                // First half, until a checkpoint has committed some of its matches.
                int half = cameras.values().stream().mapToInt(frames -> frames.size() / 2).sum();
                cameras.forEach((camera, frames) -> sendFrames(producer, topics.frames(), camera,
                        frames.subList(0, frames.size() / 2), 0));
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= half, Duration.ofMinutes(3));
                try (CommittedRecords reader = new CommittedRecords(CLUSTER.broker().bootstrapServers(), topics.matches())) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    while (reader.poll(Duration.ofMillis(200), record -> { }) == 0 && System.nanoTime() < deadline) {
                        // wait for the first committed checkpoint
                    }
                }
                // Second half, paced like cameras; the TaskManager dies while it is being analysed.
                Thread cameraFeed = new Thread(() -> cameras.forEach((camera, frames) -> {
                    for (int seq = frames.size() / 2; seq < frames.size(); seq++) {
                        producer.sendFrame(topics.frames(), camera, seq, System.currentTimeMillis(), frames.get(seq));
                        producer.flush();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                }));
                cameraFeed.start();
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= half + 8, Duration.ofMinutes(3));
                long completedBeforeFailure = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                assertThat(completedBeforeFailure).as("failure injected mid-stream").isLessThan(total);
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                System.out.printf("TaskManager killed after %d of %d frames%n", completedBeforeFailure, total);

                cameraFeed.join();
                Map<String, Integer> actual = awaitCommitted(topics, expected);
                assertThat(actual).as("committed matches after recovery (key camera/frameSeq/person -> count)")
                        .isEqualTo(expected);
            }
        }
    }

    /** What the pipeline itself says, frame by frame, with the same models and gallery. */
    private static Map<String, Integer> expectedMatches(FaceStreamConfig config, List<EnrollmentRequest> people,
                                                        Map<String, List<byte[]>> cameras) {
        Map<String, Integer> expected = new TreeMap<>();
        PipelineSettings settings = PipelineSettings.from(config);
        try (FacePipeline pipeline = FacePipeline.open(settings)) {
            List<Person> enrolled = new ArrayList<>();
            for (EnrollmentRequest person : people) {
                float[] embedding = pipeline.analyze(person.images().get(0), true).largestFace().embedding();
                enrolled.add(new Person(person.personId(), person.name(), settings.recognizer().id(), new float[][] {embedding},
                        Person.Origin.ENROLLMENTS));
            }
            GallerySnapshot gallery = GallerySnapshot.of(enrolled);
            cameras.forEach((camera, frames) -> {
                for (int seq = 0; seq < frames.size(); seq++) {
                    for (Face face : pipeline.analyze(frames.get(seq), true).faces()) {
                        Match match = gallery.best(face.embedding(), settings.matchThreshold());
                        expected.merge(camera + "/" + seq + "/" + match.personId(), 1, Integer::sum);
                    }
                }
            });
        }
        return expected;
    }

    private static Map<String, Integer> awaitCommitted(JobTestSupport.Topics topics, Map<String, Integer> expected) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Map<String, Integer> actual = new HashMap<>();
        while (System.nanoTime() < deadline) {
            actual = new TreeMap<>();
            for (JsonNode match : json(committed(CLUSTER.broker(), topics.matches(), Duration.ofSeconds(4)))) {
                String person = match.get("personId").isNull() ? "null" : match.get("personId").asText();
                actual.merge(match.get("camera").asText() + "/" + match.get("frameSeq").asLong() + "/" + person, 1, Integer::sum);
            }
            if (actual.keySet().containsAll(expected.keySet())) {
                return actual;
            }
        }
        List<String> missing = new ArrayList<>(expected.keySet());
        missing.removeAll(actual.keySet());
        System.out.println("still missing after recovery: " + missing);
        return actual;
    }
}
