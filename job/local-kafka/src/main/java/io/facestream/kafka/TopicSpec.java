package io.facestream.kafka;

import java.util.Map;

/** A topic to create: name, partitions and topic-level settings (e.g. {@code max.message.bytes}). */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    /** Frames are images: up to 32 MiB (4K JPEGs are megabytes), where Kafka's default is 1 MB. */
    public static final String FRAMES_MAX_MESSAGE_BYTES = Integer.toString(32 * 1024 * 1024 + 1024);

    /** The job's four topics, with the settings the README documents. */
    public static java.util.List<TopicSpec> forJob(String frames, String enrollments, String matches, String sightings,
                                                  String deadLetters, int framePartitions) {
        return java.util.List.of(
                new TopicSpec(frames, framePartitions, Map.of("max.message.bytes", FRAMES_MAX_MESSAGE_BYTES)),
                // Compacted: the latest record per person is the gallery; a tombstone deletes them.
                new TopicSpec(enrollments, 1, Map.of("cleanup.policy", "compact", "max.message.bytes", FRAMES_MAX_MESSAGE_BYTES)),
                new TopicSpec(matches, framePartitions, Map.of()),
                new TopicSpec(sightings, framePartitions, Map.of()),
                new TopicSpec(deadLetters, 1, Map.of()));
    }
}
