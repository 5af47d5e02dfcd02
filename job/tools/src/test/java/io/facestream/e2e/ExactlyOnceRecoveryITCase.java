package io.facestream.job;

import static io.facestream.job.JobTestSupport.committed;
import static io.facestream.job.JobTestSupport.config;
import static io.facestream.job.JobTestSupport.enroll;
import static io.facestream.job.JobTestSupport.json;
import static io.facestream.job.JobTestSupport.person;
import static io.facestream.job.JobTestSupport.sendFrames;
import static io.facestream.job.JobTestSupport.videoFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.demo.SamplePeople;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.FaceStreamProducer;
import io.facestream.match.Gallery;
import io.facestream.match.GalleryMatcher;
import io.facestream.match.Match;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is killed mid-stream; the job restarts from its last checkpoint and the
 * committed matches hold every expected match exactly once (no loss, no duplicate).
 */
class ExactlyOnceRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(JobTestSupport.fastHeartbeats()).build());

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    @Test
    void committedMatchesHoldEveryExpectedMatchExactlyOnceAfterATaskManagerRestart(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("eos");
        topics.create(KAFKA.broker());
        FaceStreamConfig config = config(KAFKA.broker(), topics, checkpoints, Map.of(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true"));
        Map<String, List<byte[]>> cameras = new TreeMap<>();
        cameras.put("cam-franck", videoFrames("franck.mp4", 0.3, 60));
        cameras.put("cam-cap", videoFrames("cap13_edit2.mp4", 2, 60));
        int total = cameras.values().stream().mapToInt(List::size).sum();
        List<SamplePeople.Person> people = List.of(person("franck"), person("cap"));
        Map<String, Integer> expected = expectedMatches(config, people, cameras);

        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers())) {
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
                try (CommittedRecords reader = new CommittedRecords(KAFKA.broker().bootstrapServers(), topics.matches())) {
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
                        pause(100);
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the pipeline itself says, frame by frame, with the same models and gallery. */
    private static Map<String, Integer> expectedMatches(FaceStreamConfig config, List<SamplePeople.Person> people,
                                                        Map<String, List<byte[]>> cameras) {
        Map<String, Integer> expected = new TreeMap<>();
        PipelineSettings settings = PipelineSettings.from(config);
        try (FacePipeline pipeline = FacePipeline.open(settings)) {
            Gallery gallery = new Gallery();
            for (SamplePeople.Person person : people) {
                gallery.add(person.id(), person.name(), pipeline.analyze(person.images().get(0), true).largestFace().embedding());
            }
            GalleryMatcher matcher = new GalleryMatcher(settings.matchThreshold());
            cameras.forEach((camera, frames) -> {
                for (int seq = 0; seq < frames.size(); seq++) {
                    for (Face face : pipeline.analyze(frames.get(seq), true).faces()) {
                        Match match = matcher.match(gallery, face.embedding());
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
            for (JsonNode match : json(committed(KAFKA.broker(), topics.matches(), Duration.ofSeconds(4)))) {
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
