package io.facestream.cli;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.JobOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -D key=value} for the commands that only need the job's topic names (broker, topics, preview). */
final class TopicNameOptions {
    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A job configuration key, for the topic names "
            + "(kafka.frames-topic, kafka.matches-topic, kafka.sightings-topic, ...).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The job's configuration with these keys: its topic names among the rest. */
    FaceStreamConfig config() {
        return FaceStreamConfig.of(overrides, JobOptions.all());
    }
}
