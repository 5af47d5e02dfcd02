package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recognizer switch on a real broker and MiniCluster, from the committed savepoint of the third versioned format
 * (franck enrolled with faceplugin-fr, tracks open, frames waiting; see UpgradeFromSavepointITCase): the job restarts
 * with {@code recognizer.model: faceplugin-fr-twin} (the same file under another id) and
 * {@code recognizer.previous-model: faceplugin-fr}. Its gallery shard reads franck's photos back from the enrollments
 * topic and embeds them with the new recognizer while frames go on; cap is enrolled during the switch (both
 * recognizers), a person enrolled by an embedding alone is listed once as a dead letter. Every frame's match is
 * written once, the frames after the switch are named by the new recognizer, the open tracks go on. A last restart
 * without the switch makes the new entries the people's own: franck is still named, nobody is listed again.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class RecognizerSwitchITCase {
    static final String OLD = "faceplugin-fr";
    static final String NEW = "faceplugin-fr-twin";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(FlinkAndKafka.fastHeartbeats())
            .build());

    @TempDir
    Path work;

    @Test
    void theGalleryIsEmbeddedAgainWhileFramesGoOnAndTheNewRecognizerNamesThemOnceItIsDone() throws Exception {
        Path resource = Path.of("src/test/resources/upgrade/versioned-3");
        Path savepoint = UpgradeScenario.copy(resource.resolve("savepoint"), work.resolve("savepoint"));
        int matchesBefore = Files.readAllLines(resource.resolve("before-matches.jsonl")).stream()
                .filter(line -> !line.isBlank()).toList().size();
        UpgradeScenario scenario = new UpgradeScenario(JobTestSupport.modelsDir());
        List<JsonNode> matchesDuring;
        List<JsonNode> sightingsDuring;
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> deadLettersDuring;
        List<JsonNode> matchesAfter;
        int deadLettersAfter;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            UpgradeScenario.createTopics(broker);
            producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person(UpgradeScenario.ENROLLED_BEFORE));
            producer.flush();
            UpgradeScenario.send(producer, scenario.beforeFrames());
            // Read by the restored job: an embedding of the previous recognizer alone has no photos to embed again.
            float[] embedding = new float[512];
            embedding[7] = 1f;
            producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, EnrollmentRequest.ofEmbedding("ghost", "Ghost", embedding, OLD));
            producer.flush();

            Map<String, String> switching = Map.of("recognizer.model", NEW, "recognizer.previous-model", OLD);
            FaceStreamConfig config = config(broker, savepoint, switching);
            StreamExecutionEnvironment env = LocalJob.environment(config);
            new FaceStreamJob(config).wire(env);
            String switched;
            try (RunningJob job = new RunningJob(env.executeAsync(UpgradeScenario.JOB_NAME))) {
                producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person("cap"));
                producer.flush();
                // franck embedded again from the topic: the only shard is ready, the new recognizer names frames.
                job.await(StreamMetrics.GALLERY_REEMBEDDED, v -> v >= 1, Duration.ofMinutes(3));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 3, Duration.ofMinutes(3));
                List<UpgradeScenario.Frame> after = scenario.afterFrames();
                UpgradeScenario.send(producer, after);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= after.size(), Duration.ofMinutes(5));
                switched = job.client().stopWithSavepoint(true, work.resolve("switched").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(3, TimeUnit.MINUTES);
            }
            matchesDuring = values(JobTestSupport.committed(broker, UpgradeScenario.MATCHES, Duration.ofSeconds(3)));
            sightingsDuring = values(JobTestSupport.committed(broker, UpgradeScenario.SIGHTINGS, Duration.ofSeconds(3)));
            deadLettersDuring = JobTestSupport.committed(broker, UpgradeScenario.DEAD_LETTERS, Duration.ofSeconds(2));

            // The switch is over: restarted without it, with a few more of door's frames.
            FaceStreamConfig over = config(broker, Path.of(java.net.URI.create(switched)), Map.of("recognizer.model", NEW));
            StreamExecutionEnvironment envOver = LocalJob.environment(over);
            new FaceStreamJob(over).wire(envOver);
            try (RunningJob job = new RunningJob(envOver.executeAsync(UpgradeScenario.JOB_NAME))) {
                List<UpgradeScenario.Frame> more = new ArrayList<>();
                List<byte[]> door = scenario.jpegs(UpgradeScenario.DOOR);
                for (int i = 0; i < 4; i++) {
                    more.add(new UpgradeScenario.Frame(UpgradeScenario.DOOR, 40 + i, UpgradeScenario.captureTs(40 + i),
                            door.get(door.size() - 1 - i)));
                }
                UpgradeScenario.send(producer, more);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= more.size(), Duration.ofMinutes(5));
                job.client().stopWithSavepoint(true, work.resolve("over").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(3, TimeUnit.MINUTES);
            }
            matchesAfter = values(JobTestSupport.committed(broker, UpgradeScenario.MATCHES, Duration.ofSeconds(3)));
            deadLettersAfter = JobTestSupport.committed(broker, UpgradeScenario.DEAD_LETTERS, Duration.ofSeconds(2)).size();
        }

        // One dead letter: the person enrolled by an embedding alone, listed once.
        assertThat(deadLettersDuring).singleElement().satisfies(letter -> {
            assertThat(new String(letter.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ghost");
            assertThat(header(letter, "error-stage")).isEqualTo("gallery");
            assertThat(header(letter, "error")).contains("'ghost'", "embedding alone");
        });
        assertThat(deadLettersAfter).as("nobody listed again after the switch").isEqualTo(1);

        // Every frame's match once: those committed before the savepoint and those written since.
        List<String> frames = new ArrayList<>();
        for (JsonNode match : matchesDuring) {
            frames.add(match.path("camera").asText() + "/" + match.path("frameSeq").asLong());
        }
        assertThat(frames).doesNotHaveDuplicates();
        assertThat(matchesBefore + frames.size()).as("door 30, hall 30, lobby 6").isEqualTo(66);
        // After the gallery was embedded again, the new recognizer names every face, and names them as before.
        List<JsonNode> afterSwitch = matchesDuring.stream()
                .filter(match -> match.path("frameSeq").asLong() >= UpgradeScenario.N_BEFORE).toList();
        assertThat(afterSwitch).hasSize(2 * UpgradeScenario.N_AFTER);
        assertThat(afterSwitch).allSatisfy(match -> assertThat(match.path("model").asText()).isEqualTo(NEW));
        assertThat(afterSwitch.stream().filter(m -> m.path("camera").asText().equals(UpgradeScenario.DOOR)))
                .extracting(m -> m.path("personId").asText()).containsOnly("franck");
        assertThat(afterSwitch.stream().filter(m -> m.path("camera").asText().equals(UpgradeScenario.HALL)))
                .extracting(m -> m.path("personId").asText()).containsOnly("cap");

        // door's open track goes on (by position across the switch), named franck, every frame in it.
        List<JsonNode> door = sightingsDuring.stream().filter(s -> s.path("camera").asText().equals(UpgradeScenario.DOOR))
                .toList();
        assertThat(door).isNotEmpty().extracting(s -> s.path("personId").asText()).containsOnly("franck");
        assertThat(door).extracting(s -> s.path("trackId").asLong()).containsOnly(door.get(0).path("trackId").asLong());
        assertThat(door.get(door.size() - 1).path("faces").asInt()).isEqualTo(30);
        List<JsonNode> hall = sightingsDuring.stream().filter(s -> s.path("camera").asText().equals(UpgradeScenario.HALL))
                .toList();
        // hall's live track goes on too. Its faces kept before the switch were the previous recognizer's, dropped at the
        // restore, so cap (enrolled during the switch) is not named back over its first 18 frames: those stay unknown
        // and outweigh cap's 12 in the vote (deploy/README.md: what a switch does not carry over).
        assertThat(hall).isNotEmpty().extracting(s -> s.path("trackId").asLong())
                .containsOnly(hall.get(0).path("trackId").asLong());
        assertThat(hall.get(hall.size() - 1).path("faces").asInt()).isEqualTo(30);
        // lobby's kept faces were the previous recognizer's: erased at the restore, so not named back in time.
        assertThat(sightingsDuring).noneMatch(s -> s.path("camera").asText().equals(UpgradeScenario.LOBBY));

        // After the switch: franck is the new recognizer's own person.
        List<JsonNode> later = matchesAfter.subList(matchesDuring.size(), matchesAfter.size());
        assertThat(later).hasSize(4).allSatisfy(match -> {
            assertThat(match.path("personId").asText()).isEqualTo("franck");
            assertThat(match.path("model").asText()).isEqualTo(NEW);
        });
    }

    private FaceStreamConfig config(LocalKafkaBroker broker, Path savepoint, Map<String, String> recognizer) {
        return UpgradeScenario.restoreConfig(broker, work, savepoint, recognizer);
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<JsonNode> values(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
        return JobTestSupport.json(records).stream().map(node -> node.has("value") ? node.path("value") : node).toList();
    }

}
