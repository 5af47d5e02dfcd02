package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint of each earlier state format, committed under {@code src/test/resources/upgrade/<version>} (how each was
 * made: its README), restores into this version: {@code 1fe8d6c} (Java-serialized sightings state, frames waiting for
 * the job's watermark; also restored at parallelism 2), {@code 6223b61} (each camera on its own clock, still Java
 * serialized), {@code versioned-1} to {@code versioned-3} (the versioned formats; older ones are read through their read
 * path and rewritten). The savepoint was taken, not drained,
 * with franck enrolled and named on camera door, cap unnamed on hall (live track, faces kept) and lobby (ended track,
 * kept for matching back in time), and frames of door and hall waiting to be tracked. On a fresh broker the test
 * writes the same records again (the restored sources resume at the same offsets), restores the job, enrolls cap,
 * sends the rest of both cameras' frames, and stops the job draining it. Then: franck stays enrolled and named, door's
 * sighting goes on under its old track id and first-seen time with every one of its 30 frames (none lost or counted
 * twice, waiting ones included), hall's live track is named cap from its first frame before the savepoint, lobby's
 * kept track is named cap back in time, and no match or sighting written before the savepoint is written again. A
 * second restore, from the upgraded job's savepoint with cap enrolled again, writes nothing: what the upgrade rewrote
 * or named back stays so.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class UpgradeFromSavepointITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(FlinkAndKafka.fastHeartbeats())
            .build());

    @TempDir
    Path work;

    /** {@code <format>[@<parallelism>]}: the savepoint of that format, restored at that parallelism (1 unless said). */
    @ParameterizedTest(name = "savepoint of {0}")
    @ValueSource(strings = {"1fe8d6c", "1fe8d6c@2", "6223b61", "versioned-1", "versioned-2", "versioned-3"})
    void aSavepointOfAnEarlierVersionRestoresWithNothingLostOrWrittenTwice(String restore) throws Exception {
        String version = restore.split("@")[0];
        int parallelism = restore.contains("@") ? Integer.parseInt(restore.split("@")[1]) : 1;
        Path resource = Path.of("src/test/resources/upgrade", version);
        Path savepoint = UpgradeScenario.copy(resource.resolve("savepoint"), work.resolve("savepoint"));
        List<JsonNode> matchesBefore = values(resource.resolve("before-matches.jsonl"));
        List<JsonNode> sightingsBefore = values(resource.resolve("before-sightings.jsonl"));
        JsonNode doorOpened = only(sightingsBefore, UpgradeScenario.DOOR);
        JsonNode lobbyEnded = only(sightingsBefore, UpgradeScenario.LOBBY);
        assertThat(doorOpened.path("state").asText()).isEqualTo("open");
        assertThat(lobbyEnded.path("state").asText()).isEqualTo("closed");
        assertThat(lobbyEnded.path("personId").isNull()).isTrue();

        UpgradeScenario scenario = new UpgradeScenario(JobTestSupport.modelsDir());
        Map<String, List<ResultKey>> matchesAfter;
        List<JsonNode> sightingsAfter;
        int deadLettersAfter;
        int sightingsAgain;
        int matchesAgain;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            UpgradeScenario.createTopics(broker);
            // The topics as the earlier job left them: its sources resume after these records.
            producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person(UpgradeScenario.ENROLLED_BEFORE));
            producer.flush();
            UpgradeScenario.send(producer, scenario.beforeFrames());
            assertThat(endOffsets(broker, UpgradeScenario.FRAMES)).containsExactly(24L, 18L);

            FaceStreamConfig config = config(broker, savepoint, parallelism);
            StreamExecutionEnvironment env = LocalJob.environment(config);
            new FaceStreamJob(config).wire(env);
            String upgraded;
            try (RunningJob job = new RunningJob(env.executeAsync(UpgradeScenario.JOB_NAME))) {
                producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person("cap"));
                producer.flush();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(3));
                List<UpgradeScenario.Frame> after = scenario.afterFrames();
                UpgradeScenario.send(producer, after);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= after.size(), Duration.ofMinutes(5));
                // Drained: every camera's waiting frames are tracked and its tracks closed, and committed.
                upgraded = job.client().stopWithSavepoint(true, work.resolve("final").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(3, TimeUnit.MINUTES);
            }
            matchesAfter = byCamera(JobTestSupport.json(JobTestSupport.committed(broker, UpgradeScenario.MATCHES,
                    Duration.ofSeconds(3))));
            sightingsAfter = JobTestSupport.json(JobTestSupport.committed(broker, UpgradeScenario.SIGHTINGS,
                    Duration.ofSeconds(3)));
            deadLettersAfter = JobTestSupport.committed(broker, UpgradeScenario.DEAD_LETTERS, Duration.ofSeconds(2)).size();

            // Once more from the upgraded job's savepoint, cap enrolled again: what the upgrade rewrote or named back
            // stays as it was (an earlier state left behind would come back here and name lobby's track again).
            FaceStreamConfig again = config(broker, Path.of(java.net.URI.create(upgraded)), parallelism);
            StreamExecutionEnvironment envAgain = LocalJob.environment(again);
            new FaceStreamJob(again).wire(envAgain);
            try (RunningJob job = new RunningJob(envAgain.executeAsync(UpgradeScenario.JOB_NAME))) {
                producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person("cap"));
                producer.flush();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(3));
                job.client().stopWithSavepoint(true, work.resolve("again").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(3, TimeUnit.MINUTES);
            }
            sightingsAgain = JobTestSupport.committed(broker, UpgradeScenario.SIGHTINGS, Duration.ofSeconds(3)).size();
            matchesAgain = JobTestSupport.committed(broker, UpgradeScenario.MATCHES, Duration.ofSeconds(3)).size();
        }
        assertThat(sightingsAgain).as("sightings after a second restore and cap enrolled again")
                .isEqualTo(sightingsAfter.size());
        assertThat(matchesAgain).as("matches after a second restore")
                .isEqualTo(matchesAfter.values().stream().mapToInt(List::size).sum());

        assertThat(deadLettersAfter).as("dead letters").isZero();
        // Nothing written twice, nothing lost: with the matches committed before the savepoint, every frame once.
        Map<String, List<ResultKey>> everyMatch = byCamera(matchesBefore);
        matchesAfter.forEach((camera, keys) -> everyMatch.computeIfAbsent(camera, c -> new ArrayList<>()).addAll(keys));
        assertThat(everyMatch.get(UpgradeScenario.DOOR)).hasSize(30).doesNotHaveDuplicates();
        assertThat(everyMatch.get(UpgradeScenario.HALL)).hasSize(30).doesNotHaveDuplicates();
        assertThat(everyMatch.get(UpgradeScenario.LOBBY)).hasSize(6).doesNotHaveDuplicates();
        assertThat(matchesAfter).containsOnlyKeys(UpgradeScenario.DOOR, UpgradeScenario.HALL);
        // People stay enrolled and matched; one enrolled after the restore is matched too.
        assertThat(matchesAfter.get(UpgradeScenario.DOOR)).extracting(ResultKey::personId).containsOnly("franck");
        assertThat(matchesAfter.get(UpgradeScenario.HALL)).extracting(ResultKey::personId).containsOnly("cap");

        // door: the open track goes on, with each of its frames counted once.
        List<JsonNode> door = of(sightingsAfter, UpgradeScenario.DOOR);
        assertThat(door).extracting(s -> s.path("state").asText()).doesNotContain("open").contains("closed");
        for (JsonNode sighting : door) {
            assertThat(sighting.path("trackId").asLong()).isEqualTo(doorOpened.path("trackId").asLong());
            assertThat(sighting.path("firstSeen").asLong()).isEqualTo(doorOpened.path("firstSeen").asLong());
            assertThat(sighting.path("personId").asText()).isEqualTo("franck");
        }
        assertThat(last(door).path("faces").asInt()).as("door's frames in its sighting").isEqualTo(30);
        assertThat(last(door).path("lastSeen").asLong()).isEqualTo(UpgradeScenario.captureTs(29));

        // hall: its live track, unnamed at the savepoint, is named cap from its first frame.
        List<JsonNode> hall = of(sightingsAfter, UpgradeScenario.HALL);
        assertThat(hall).extracting(s -> s.path("state").asText()).containsExactly("open", "closed");
        assertThat(hall).extracting(s -> s.path("personId").asText()).containsOnly("cap");
        assertThat(hall).extracting(s -> s.path("trackId").asLong()).containsOnly(hall.get(0).path("trackId").asLong());
        assertThat(hall.get(0).path("firstSeen").asLong()).isEqualTo(UpgradeScenario.BASE_TS);
        assertThat(last(hall).path("faces").asInt()).as("hall's frames in its sighting").isEqualTo(30);

        // lobby: the track kept unnamed is named cap back in time, once.
        List<JsonNode> lobby = of(sightingsAfter, UpgradeScenario.LOBBY);
        assertThat(lobby).hasSize(1);
        assertThat(lobby.get(0).path("retroactive").asBoolean()).isTrue();
        assertThat(lobby.get(0).path("personId").asText()).isEqualTo("cap");
        assertThat(lobby.get(0).path("trackId").asLong()).isEqualTo(lobbyEnded.path("trackId").asLong());
        assertThat(lobby.get(0).path("firstSeen").asLong()).isEqualTo(lobbyEnded.path("firstSeen").asLong());
        assertThat(lobby.get(0).path("faces").asInt()).isEqualTo(lobbyEnded.path("faces").asInt());
    }

    /** A face's match: its frame and whom it named. */
    record ResultKey(long frameSeq, String personId) {
    }

    private FaceStreamConfig config(LocalKafkaBroker broker, Path savepoint, int parallelism) {
        return UpgradeScenario.restoreConfig(broker, work, savepoint,
                Map.of(JobOptions.JOB_PARALLELISM.name(), Integer.toString(parallelism)));
    }

    private static Map<String, List<ResultKey>> byCamera(List<JsonNode> matches) {
        Map<String, List<ResultKey>> keys = new TreeMap<>();
        for (JsonNode match : matches) {
            JsonNode value = match.has("value") ? match.path("value") : match;
            keys.computeIfAbsent(value.path("camera").asText(), c -> new ArrayList<>())
                    .add(new ResultKey(value.path("frameSeq").asLong(), value.path("personId").isNull() ? null
                            : value.path("personId").asText()));
        }
        return keys;
    }

    private static List<JsonNode> of(List<JsonNode> sightings, String camera) {
        return sightings.stream().map(s -> s.has("value") ? s.path("value") : s)
                .filter(s -> s.path("camera").asText().equals(camera)).toList();
    }

    private static JsonNode only(List<JsonNode> sightings, String camera) {
        List<JsonNode> found = of(sightings, camera);
        assertThat(found).as("sightings of " + camera + " before the savepoint").hasSize(1);
        return found.get(0);
    }

    private static JsonNode last(List<JsonNode> sightings) {
        assertThat(sightings).isNotEmpty();
        return sightings.get(sightings.size() - 1);
    }

    /** The committed records a maker wrote down, one JSON object per line. */
    private static List<JsonNode> values(Path jsonLines) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(jsonLines)) {
            if (!line.isBlank()) {
                nodes.add(JobTestSupport.MAPPER.readTree(line));
            }
        }
        return nodes;
    }

    private static List<Long> endOffsets(LocalKafkaBroker broker, String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int partition = 0; partition < UpgradeScenario.PARTITIONS; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            var offsets = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            return latest.keySet().stream().map(partition -> offsets.get(partition).offset()).toList();
        }
    }

}
