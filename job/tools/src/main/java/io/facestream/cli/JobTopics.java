package io.facestream.cli;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.JobOptions;
import io.facestream.kafka.TopicSpec;
import java.util.List;

/** The job's five topics under the names the configuration gives them, with their documented settings. */
public final class JobTopics {
    private JobTopics() {
    }

    public static List<TopicSpec> of(FaceStreamConfig config, int partitions) {
        return TopicSpec.forJob(config.get(JobOptions.KAFKA_FRAMES_TOPIC), config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC),
                config.get(JobOptions.KAFKA_MATCHES_TOPIC), config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC),
                config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC), partitions);
    }
}
