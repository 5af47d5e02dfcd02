package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test of the build (its name matches no surefire pattern): run by hand to make the savepoint of this version's
 * state format that {@link UpgradeFromSavepointITCase} restores in every later build. Made once per state format;
 * the savepoint of commit 1fe8d6c was made the same way by that version (with its watermark settings, see
 * {@code src/test/resources/upgrade/1fe8d6c/README.md}). Runs the real job (parallelism 1, RocksDB, checkpoints every
 * 500 ms) on {@link UpgradeScenario}: franck enrolled, then the before frames of every camera sent at the pace they
 * were captured. Frames wait {@link UpgradeScenario#REORDER_MS} of their camera's time, so door is named and lobby's
 * track has ended (kept unnamed) some 25 s after the first frame while door's and hall's last frames still wait; the
 * job is stopped with a canonical savepoint (not drained) once two checkpoints completed with no output after that
 * (no Kafka transaction open), and before door's last frames are due. Writes to {@code -Dupgrade.out}: the savepoint's
 * files, every committed record of the result topics as JSON lines, the topics' offsets, and a summary of the run.
 *
 * <pre>mvn -o -B -pl job/tools test -Dtest=UpgradeSavepointMaker -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dupgrade.out=$PWD/job/tools/src/test/resources/upgrade/versioned-1 -Dupgrade.version=versioned-1</pre>
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class UpgradeSavepointMaker {
    static final Path OUT = Path.of(System.getProperty("upgrade.out", "target/upgrade-savepoint"));
    static final String VERSION = System.getProperty("upgrade.version", "versioned-1");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Accumulators that move when anything is read, analysed or written. */
    private static final List<String> ACTIVITY = List.of(StreamMetrics.FRAMES_COMPLETED, StreamMetrics.FACES_DETECTED,
            StreamMetrics.UNKNOWN_FACES, StreamMetrics.SIGHTINGS_ACCUMULATOR, StreamMetrics.GALLERY_UPDATES_ACCUMULATOR,
            StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR, StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR);

    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @TempDir
    Path savepoints;

    private final StringBuilder summary = new StringBuilder();

    @Test
    void makeSavepoint(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Files.createDirectories(OUT);
        LocalKafkaBroker broker = CLUSTER.broker();
        UpgradeScenario scenario = new UpgradeScenario(JobTestSupport.modelsDir());
        List<UpgradeScenario.Frame> before = scenario.beforeFrames();
        List<UpgradeScenario.Frame> after = scenario.afterFrames();
        note("made at %s by UpgradeSavepointMaker, state format %s", Instant.now(), VERSION);
        note("before frames: %d, digest %s", before.size(), UpgradeScenario.digest(before));
        note("after frames: %d, digest %s", after.size(), UpgradeScenario.digest(after));
        for (UpgradeScenario.Frame frame : before) {
            note("  before %s seq %d ts %d partition %d jpeg %d bytes", frame.camera(), frame.seq(), frame.captureTs(),
                    UpgradeScenario.PARTITION.get(frame.camera()), frame.jpeg().length);
        }
        UpgradeScenario.createTopics(broker);

        Map<String, String> values = new LinkedHashMap<>(UpgradeScenario.settingsOfThisVersion());
        values.put("checkpoint.interval-ms", "500");
        values.put("models.dir", JobTestSupport.modelsDir().toString());
        values.put("kafka.bootstrap-servers", broker.bootstrapServers());
        values.put("checkpoint.dir", checkpoints.toString());
        FaceStreamConfig config = FaceStreamConfig.of(values, JobOptions.all());
        note("config (every key set; the rest default):");
        values.forEach((key, value) -> note("  %s = %s", key, value));

        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        StreamGraph graph = env.getStreamGraph(false);
        Map<Integer, byte[]> hashes = new StreamGraphHasherV2().traverseStreamGraphAndGenerateHashes(graph);
        StringBuilder operators = new StringBuilder();
        for (StreamNode node : graph.getStreamNodes().stream().sorted(Comparator.comparingInt(StreamNode::getId)).toList()) {
            operators.append(HexFormat.of().formatHex(hashes.get(node.getId()))).append('\t')
                    .append(node.getTransformationUID()).append('\t').append(node.getOperatorName()).append('\t')
                    .append(node.getParallelism()).append('\n');
        }
        Files.writeString(OUT.resolve("operators.tsv"), operators);
        note("operators (OperatorID, uid, name, parallelism):%n%s", operators);

        try (RunningJob job = new RunningJob(env.executeAsync(UpgradeScenario.JOB_NAME));
             FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            JobID jobId = job.client().getJobID();
            URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            producer.sendEnrollment(UpgradeScenario.ENROLLMENTS, scenario.person(UpgradeScenario.ENROLLED_BEFORE));
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(3));
            note("gallery updated with %s at %s", UpgradeScenario.ENROLLED_BEFORE, Instant.now());
            // Frames released more than 30 s (SightingsFunction.RECENT_ENROLLMENT_MS) after the enrollment reached the
            // sightings function are not compared with it again there: the same answer whatever the timing.
            TimeUnit.SECONDS.sleep(35);

            long firstSent = System.currentTimeMillis();
            long lastSent = UpgradeScenario.sendPaced(producer, before);
            // door's track ends when its camera's time passes its last frame by the absence limit (2 s) and the
            // reorder time: the savepoint must come before, with hall's last frames (sent later) still waiting.
            long doorEnds = firstSent + UpgradeScenario.captureTs(UpgradeScenario.N_BEFORE - 1) - UpgradeScenario.BASE_TS
                    + 2_000 + UpgradeScenario.REORDER_MS;
            note("before frames sent from %s to %s, at the pace of their capture", Instant.ofEpochMilli(firstSent),
                    Instant.ofEpochMilli(lastSent));
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= before.size(), Duration.ofMinutes(10));
            // door named (open) and lobby's track ended unnamed (closed, kept): two sightings.
            job.await(StreamMetrics.SIGHTINGS_ACCUMULATOR, v -> v >= 2, Duration.ofMinutes(2));
            note("door open and lobby closed at %s", Instant.now());
            Map<String, Long> quiet = awaitQuiet(job, rest, jobId, 2, Duration.ofMinutes(3));
            note("quiet: accumulators %s", quiet);
            note("checkpoints before the savepoint: %s", get(rest, "/jobs/" + jobId + "/checkpoints").path("counts"));
            String path = job.client()
                    .stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);
            long stopped = System.currentTimeMillis();
            note("stopped with savepoint %s at %s", path, Instant.ofEpochMilli(stopped));
            assertThat(stopped).as("stopped while door's track is open and hall's frames wait (run again)")
                    .isLessThan(doorEnds);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!job.status().isGloballyTerminalState() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            note("job status after stop: %s", job.status());
            note("accumulators after stop: %s", accumulators(job));
            assertThat(accumulators(job)).isEqualTo(quiet);
            copySavepoint(Path.of(URI.create(path)));
        }

        checkTransactions(broker);
        Map<TopicPartition, Integer> counts = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        dump(broker, UpgradeScenario.MATCHES, OUT.resolve("before-matches.jsonl"), counts);
        dump(broker, UpgradeScenario.SIGHTINGS, OUT.resolve("before-sightings.jsonl"), counts);
        dump(broker, UpgradeScenario.DEAD_LETTERS, OUT.resolve("before-dead-letters.jsonl"), counts);
        offsets(broker, counts);
        Files.writeString(OUT.resolve("maker-summary.txt"), summary);
    }

    private void note(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println("[upgrade] " + line);
        summary.append(line).append('\n');
    }

    private static Map<String, Long> accumulators(RunningJob job) {
        Map<String, Long> values = new TreeMap<>();
        for (String name : ACTIVITY) {
            values.put(name, job.accumulator(name));
        }
        return values;
    }

    /**
     * Waits until {@code checkpoints} checkpoints were triggered and completed after the accumulators last moved (so
     * the last of them was triggered after the last output, and the one before it committed that output): the writers'
     * transactions are then empty, and a savepoint holds no committable.
     */
    private Map<String, Long> awaitQuiet(RunningJob job, URI rest, JobID jobId, int checkpoints, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> values = accumulators(job);
        long since = completedCheckpoints(rest, jobId);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            Map<String, Long> now = accumulators(job);
            long completed = completedCheckpoints(rest, jobId);
            if (!now.equals(values)) {
                note("output moved (%s -> %s) at checkpoint count %d: waiting again", values, now, completed);
                values = now;
                since = completed;
            } else if (completed >= since + checkpoints) {
                note("no output over checkpoints %d..%d (completed count)", since + 1, completed);
                return values;
            }
        }
        throw new IllegalStateException("the job never went quiet for " + checkpoints + " checkpoints");
    }

    private static long completedCheckpoints(URI rest, JobID jobId) throws Exception {
        return get(rest, "/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    private static JsonNode get(URI rest, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(rest.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(response.body());
    }

    private void copySavepoint(Path source) throws IOException {
        Path target = OUT.resolve("savepoint");
        Files.createDirectories(target);
        long total = 0;
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                total += Files.size(file);
                note("  savepoint file %s %d bytes", source.relativize(file), Files.size(file));
            }
        }
        note("savepoint %s copied to %s: %d bytes", source.getFileName(), target, total);
    }

    /** The broker's transactions after the stop: none may be open. */
    private void checkTransactions(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            List<String> open = new ArrayList<>();
            for (TransactionListing listing : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                note("transaction %s producerId %d state %s", listing.transactionalId(), listing.producerId(),
                        listing.state());
                String state = listing.state().name();
                if (state.contains("ONGOING") || state.contains("PREPARE")) {
                    open.add(listing.transactionalId());
                }
            }
            assertThat(open).as("transactions still open").isEmpty();
            for (String group : List.of(UpgradeScenario.GROUP_ID, UpgradeScenario.GROUP_ID + "-enrollments")) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                note("consumer group %s committed offsets %s", group, new TreeMap<>(committedOffsets(committed)));
            }
        }
    }

    private static Map<String, Long> committedOffsets(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<String, Long> offsets = new TreeMap<>();
        committed.forEach((partition, offset) -> offsets.put(partition.toString(), offset == null ? null : offset.offset()));
        return offsets;
    }

    /** Every committed record of {@code topic}, by partition and offset, as JSON lines. */
    private void dump(LocalKafkaBroker broker, String topic, Path file, Map<TopicPartition, Integer> counts)
            throws IOException {
        List<ConsumerRecord<byte[], byte[]>> records;
        try (CommittedRecords reader = new CommittedRecords(broker.bootstrapServers(), topic)) {
            records = new ArrayList<>(reader.readUntilQuiet(Duration.ofSeconds(5), Duration.ofMinutes(2)));
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        StringBuilder lines = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ObjectNode line = MAPPER.createObjectNode();
            line.put("topic", record.topic());
            line.put("partition", record.partition());
            line.put("offset", record.offset());
            line.put("timestamp", record.timestamp());
            line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
            ObjectNode headers = line.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
            if (record.value() == null) {
                line.putNull("value");
            } else {
                try {
                    line.set("value", MAPPER.readTree(record.value()));
                } catch (IOException e) {
                    line.put("valueBase64", Base64.getEncoder().encodeToString(record.value()));
                }
            }
            lines.append(MAPPER.writeValueAsString(line)).append('\n');
            counts.merge(new TopicPartition(record.topic(), record.partition()), 1, Integer::sum);
        }
        Files.writeString(file, lines);
        note("%s: %d committed records -> %s", topic, records.size(), file.getFileName());
    }

    /** Beginning and end offsets of every partition of the five topics, and how many committed records each holds. */
    private void offsets(LocalKafkaBroker broker, Map<TopicPartition, Integer> counts) throws IOException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(UpgradeScenario.FRAMES, UpgradeScenario.ENROLLMENTS, UpgradeScenario.MATCHES,
                UpgradeScenario.SIGHTINGS, UpgradeScenario.DEAD_LETTERS)) {
            int n = topic.equals(UpgradeScenario.ENROLLMENTS) || topic.equals(UpgradeScenario.DEAD_LETTERS) ? 1
                    : UpgradeScenario.PARTITIONS;
            for (int p = 0; p < n; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("# topic-partition  end-offset(read_uncommitted)  end-offset(read_committed, LSO)  beginning  "
                + "committed-records-read\n");
        text.append("# Frames and enrollments: one non-transactional producer, so end offset = records. Matches, "
                + "sightings, dead letters: written in transactions, each commit adds a marker at the next offset, "
                + "so their end offsets depend on how many checkpoints committed data (not reproducible); compare "
                + "the committed records instead.\n");
        try (KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted");
             KafkaConsumer<byte[], byte[]> committed = consumer("read_committed")) {
            Map<TopicPartition, Long> ends = uncommitted.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> lso = committed.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> beginnings = uncommitted.beginningOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition partition : partitions) {
                Integer read = counts.get(partition);
                String records = read != null ? read.toString()
                        : partition.topic().equals(UpgradeScenario.MATCHES) || partition.topic().equals(UpgradeScenario.SIGHTINGS)
                        || partition.topic().equals(UpgradeScenario.DEAD_LETTERS) ? "0" : "-";
                text.append(String.format("%s %d %d %d %s%n", partition, ends.get(partition), lso.get(partition),
                        beginnings.get(partition), records));
            }
        }
        Files.writeString(OUT.resolve("offsets.txt"), text);
        note("offsets:%n%s", text);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.broker().bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(properties);
    }
}
