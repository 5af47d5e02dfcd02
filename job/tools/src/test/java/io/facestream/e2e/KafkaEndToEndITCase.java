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
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a Flink MiniCluster against a real Kafka broker: the sample videos as two cameras through
 * the frames topic, each camera's person in the committed matches and nobody else.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class KafkaEndToEndITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    private RunningJob start(FaceStreamConfig config) throws Exception {
        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        return new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)));
    }

    @Test
    void eachCameraMatchesItsPersonInAtLeast95PercentOfFramesWithAFaceAndNeverTheWrongOne() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("e2e");
        topics.create(CLUSTER.broker());
        FaceStreamConfig config = config(CLUSTER.broker(), topics, checkpoints, Map.of(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true"));
        List<String> enrolled = List.of("franck", "cap", "audrey", "obama4", "queen20", "terminator");
        Map<String, List<byte[]>> cameras = new TreeMap<>();
        cameras.put("cam-franck", videoFrames("franck.mp4", 1.25, 250));
        cameras.put("cam-cap", videoFrames("cap13_edit2.mp4", 8, 250));
        assertThat(cameras.values()).allSatisfy(frames -> assertThat(frames).hasSizeGreaterThanOrEqualTo(200));
        int total = cameras.values().stream().mapToInt(List::size).sum();

        try (FaceStreamProducer producer = new FaceStreamProducer(CLUSTER.broker().bootstrapServers());
             RunningJob job = start(config)) {
            for (String id : enrolled) {
                enroll(producer, topics.enrollments(), person(id));
            }
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= enrolled.size(), Duration.ofMinutes(3));
            cameras.forEach((camera, frames) -> sendFrames(producer, topics.frames(), camera, frames, 0));
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total, Duration.ofMinutes(10));
            List<JsonNode> matches = json(committed(CLUSTER.broker(), topics.matches(), Duration.ofSeconds(5)));

            Map<String, String> expected = SamplePeople.expectedPerson();
            for (String camera : cameras.keySet()) {
                Set<Long> framesWithFace = new HashSet<>();
                Set<Long> framesMatched = new HashSet<>();
                Map<String, Integer> wrong = new TreeMap<>();
                for (JsonNode match : matches) {
                    if (!match.get("camera").asText().equals(camera)) {
                        continue;
                    }
                    framesWithFace.add(match.get("frameSeq").asLong());
                    String personId = match.get("personId").isNull() ? null : match.get("personId").asText();
                    if (expected.get(camera).equals(personId)) {
                        framesMatched.add(match.get("frameSeq").asLong());
                    } else if (personId != null) {
                        wrong.merge(personId, 1, Integer::sum);
                    }
                    assertThat(match.get("model").asText()).isEqualTo("faceplugin-fr");
                    assertThat(match.get("box")).hasSize(4);
                    assertThat(match.get("landmarks")).hasSize(5);
                }
                double rate = framesMatched.size() / (double) framesWithFace.size();
                System.out.printf("%s: %d frames sent, %d with a face, %d matched to %s (%.1f%%), wrong names %s%n", camera,
                        cameras.get(camera).size(), framesWithFace.size(), framesMatched.size(), expected.get(camera),
                        100 * rate, wrong);
                assertThat(framesWithFace).hasSizeGreaterThanOrEqualTo(cameras.get(camera).size() * 9 / 10);
                assertThat(rate).as("share of %s frames with a face matched to %s", camera, expected.get(camera))
                        .isGreaterThanOrEqualTo(0.95);
                assertThat(wrong).as("matches naming the wrong person on %s", camera).isEmpty();
            }
        }
    }
}
