package io.facestream.job;

import io.facestream.config.FaceStreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A topic of the job: name, partitions and topic-level settings (e.g. {@code max.message.bytes}). The job's own topics
 * and their production settings ({@link #forJob}) are the job's to say: {@code ./facestream topics} creates them on a
 * cluster, the local broker of the demo and the tests gets the same ones.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    /** Frames are images: up to 32 MiB (4K JPEGs are megabytes), where Kafka's default is 1 MB. */
    public static final String FRAMES_MAX_MESSAGE_BYTES = Integer.toString(32 * 1024 * 1024 + 1024);

    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;
    /** Frames (faces in images) are kept a day: long enough for a job down over a night to catch up. */
    public static final long FRAMES_RETENTION_MS = DAY_MS;
    /** Matches, sightings and dead letters are kept a week: consumers copy what they need to keep. */
    public static final long RESULTS_RETENTION_MS = 7 * DAY_MS;
    /**
     * A replaced or deleted person's earlier enrollment (their photos) is compacted away within a day: segments roll
     * every hour and a segment is compacted at the latest a day after it was written.
     */
    public static final long ENROLLMENTS_SEGMENT_MS = HOUR_MS;
    public static final long ENROLLMENTS_MAX_COMPACTION_LAG_MS = DAY_MS;

    /** The job's five topics under the names {@code config} gives them, with their documented settings. */
    public static List<TopicSpec> forJob(FaceStreamConfig config, int framePartitions) {
        return forJob(config.get(JobOptions.KAFKA_FRAMES_TOPIC), config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC),
                config.get(JobOptions.KAFKA_MATCHES_TOPIC), config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC),
                config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC), framePartitions);
    }

    /**
     * The job's five topics, with the settings the README and PRIVACY.md document: every topic has a retention, so no
     * personal data stays in Kafka longer than {@link #RESULTS_RETENTION_MS} after it was written or (enrollments)
     * replaced.
     */
    public static List<TopicSpec> forJob(String frames, String enrollments, String matches, String sightings,
                                         String deadLetters, int framePartitions) {
        return List.of(
                new TopicSpec(frames, framePartitions, Map.of("max.message.bytes", FRAMES_MAX_MESSAGE_BYTES,
                        "retention.ms", Long.toString(FRAMES_RETENTION_MS))),
                // Compacted: the latest record per person is the gallery; a deletion marker (enroll --delete) stays
                // as their latest record, a tombstone is removed delete.retention.ms after compaction.
                new TopicSpec(enrollments, 1, Map.of("cleanup.policy", "compact",
                        "max.message.bytes", FRAMES_MAX_MESSAGE_BYTES,
                        "segment.ms", Long.toString(ENROLLMENTS_SEGMENT_MS),
                        "max.compaction.lag.ms", Long.toString(ENROLLMENTS_MAX_COMPACTION_LAG_MS),
                        "delete.retention.ms", Long.toString(DAY_MS))),
                new TopicSpec(matches, framePartitions, Map.of("retention.ms", Long.toString(RESULTS_RETENTION_MS))),
                new TopicSpec(sightings, framePartitions, Map.of("retention.ms", Long.toString(RESULTS_RETENTION_MS))),
                new TopicSpec(deadLetters, 1, Map.of("retention.ms", Long.toString(RESULTS_RETENTION_MS))));
    }

    /**
     * Creates those of {@code topics} that do not exist yet (replication factor {@code replication}, each with its
     * settings); existing ones are left as they are. Returns the names created.
     */
    public static List<String> createMissing(Admin admin, List<TopicSpec> topics, short replication) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> wanted = new ArrayList<>();
            for (TopicSpec topic : topics) {
                if (!existing.contains(topic.name())) {
                    wanted.add(new NewTopic(topic.name(), topic.partitions(), replication).configs(topic.configs()));
                }
            }
            admin.createTopics(wanted).all().get(60, TimeUnit.SECONDS);
            return wanted.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics.stream().map(TopicSpec::name).toList() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e.getCause() != null ? e.getCause() : e);
        }
    }
}
