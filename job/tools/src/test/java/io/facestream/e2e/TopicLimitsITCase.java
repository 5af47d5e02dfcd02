package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A topic that cannot take the largest record the job may write to it stops the start, naming the topic. */
@Tag("kafka")
class TopicLimitsITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    @Test
    void aResultsTopicSmallerThanTheJobsBudgetIsOneClearErrorAtStart() {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("limits");
        List<TopicSpec> specs = TopicSpec.forJob(topics.frames(), topics.enrollments(), topics.matches(), topics.sightings(),
                topics.deadLetters(), 1).stream()
                .map(spec -> spec.name().equals(topics.sightings()) ? new TopicSpec(spec.name(), 1, Map.of("max.message.bytes", "100000"))
                        : spec).toList();
        JobTestSupport.createTopics(KAFKA.broker(), specs);
        FaceStreamConfig config = JobTestSupport.config(KAFKA.broker(), topics, checkpoints, Map.of());
        assertThatThrownBy(() -> new FaceStreamJob(config).wire(StreamExecutionEnvironment.getExecutionEnvironment()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topic '" + topics.sightings() + "' takes records up to max.message.bytes=100000, less than "
                        + "kafka.results-max-bytes=1048588: raise the topic's max.message.bytes or lower the setting to "
                        + "what the topic takes");
        FaceStreamConfig fitting = config.with(JobOptions.KAFKA_RESULTS_MAX_BYTES, "100000");
        assertThatCode(() -> new FaceStreamJob(fitting).wire(StreamExecutionEnvironment.getExecutionEnvironment()))
                .doesNotThrowAnyException();
    }
}
