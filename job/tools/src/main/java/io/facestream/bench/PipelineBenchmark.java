package io.facestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.cli.JobTopics;
import io.facestream.config.FaceStreamConfig;
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.job.RunningJob;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The product end to end: a local broker, the job in a local Flink, frames in through Kafka,
 * matches out through Kafka. Sustained frames per second; then latency from capture-ts to the
 * committed match at half that load; the process's resident memory.
 */
final class PipelineBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Figures of the job: throughput, latencies, resident memory before and after the soak. */
    record Result(double framesPerSecond, List<Double> latenciesMs, double residentMb, double residentAfterSoakMb,
                  double soakMinutes) {
    }

    private final Map<String, String> baseConfig;
    private final SamplePeople samples;

    PipelineBenchmark(Map<String, String> baseConfig, SamplePeople samples) {
        this.baseConfig = baseConfig;
        this.samples = samples;
    }

    Result run(List<byte[]> frames, int repeats, double latencySeconds, double soakMinutes) throws Exception {
        Path work = Files.createTempDirectory("facestream-bench-");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            // Throughput with checkpoints every 2 s (production runs every 10 s); latency with 100 ms ones,
            // since read_committed consumers see a match only when its checkpoint completes.
            FaceStreamConfig throughputConfig = config(broker, work, "throughput", 2000);
            FaceStreamConfig latencyConfig = config(broker, work, "latency", 100);
            int total = frames.size() * repeats;
            String topic = throughputConfig.get(JobOptions.KAFKA_FRAMES_TOPIC);
            for (int i = 0; i < total; i++) {
                producer.sendFrame(topic, "bench", i, System.currentTimeMillis(), frames.get(i % frames.size()));
            }
            producer.flush();
            double fps;
            double residentMb;
            double residentAfterSoakMb;
            try (RunningJob job = start(throughputConfig)) {
                // Steady state: from the fifth of the frames on, past start-up and JIT warm-up.
                long from = job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total / 5, Duration.ofMinutes(5));
                long start = System.nanoTime();
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total, Duration.ofMinutes(30));
                fps = (total - from) / ((System.nanoTime() - start) / 1e9);
                residentMb = residentMegabytes();
                residentAfterSoakMb = soak(throughputConfig, producer, frames, job, soakMinutes);
            }
            List<Double> latencies;
            try (RunningJob job = start(latencyConfig)) {
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 2, Duration.ofMinutes(5));
                latencies = latency(latencyConfig, producer, frames, fps / 2, latencySeconds);
            }
            return new Result(fps, latencies, residentMb, residentAfterSoakMb, soakMinutes);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private FaceStreamConfig config(LocalKafkaBroker broker, Path work, String name, long checkpointMs) {
        Map<String, String> values = new HashMap<>(baseConfig);
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        values.put(JobOptions.CHECKPOINT_DIR.name(), work.resolve(name).toString());
        values.put(JobOptions.JOB_NAME.name(), "facestream bench " + name);
        values.put(JobOptions.KAFKA_FRAMES_TOPIC.name(), "frames-" + name);
        values.put(JobOptions.KAFKA_MATCHES_TOPIC.name(), "matches-" + name);
        values.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.name(), "bench-" + name);
        values.put(JobOptions.KAFKA_GROUP_ID.name(), "bench-" + name);
        values.putIfAbsent(JobOptions.CHECKPOINT_INTERVAL_MS.name(), Long.toString(checkpointMs));
        values.putIfAbsent("flink.heartbeat.interval", "500");
        values.putIfAbsent("flink.rest.port", "0");
        FaceStreamConfig config = FaceStreamConfig.of(values, JobOptions.all());
        broker.createTopics(JobTopics.of(config, 2));
        try (FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            for (EnrollmentRequest person : samples.people().subList(0, 2)) {
                producer.sendEnrollment(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), person);
            }
        }
        return config;
    }

    private static RunningJob start(FaceStreamConfig config) throws Exception {
        StreamExecutionEnvironment env = FaceStreamJob.environment(config);
        new FaceStreamJob(config).wire(env);
        return new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)));
    }

    /** Full load for {@code minutes}: frames pushed as fast as the job takes them; resident memory at the end. */
    private static double soak(FaceStreamConfig config, FaceStreamProducer producer, List<byte[]> frames, RunningJob job,
                               double minutes) {
        if (minutes <= 0) {
            return residentMegabytes();
        }
        String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
        long end = System.nanoTime() + (long) (minutes * 60e9);
        long sent = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
        long seq = 1_000_000;
        while (System.nanoTime() < end) {
            long completed = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
            while (sent - completed < 64) { // keep a bounded backlog so the job is always busy
                producer.sendFrame(topic, "soak", seq, System.currentTimeMillis(), frames.get((int) (seq++ % frames.size())));
                sent++;
            }
            producer.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return residentMegabytes();
    }

    /** Frames sent at {@code rate} per second for a while; each committed match's delay after its capture. */
    private static List<Double> latency(FaceStreamConfig config, FaceStreamProducer producer, List<byte[]> frames, double rate,
                                        double seconds) throws Exception {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        // The first three seconds warm the fresh job up (JIT, first transactions): not counted.
        long warmUpFrames = (long) Math.ceil(3 * Math.max(rate, 0.5));
        AtomicBoolean sending = new AtomicBoolean(true);
        String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
        Thread camera = new Thread(() -> {
            long period = (long) (1e9 / Math.max(rate, 0.5));
            long next = System.nanoTime();
            long end = next + (long) ((seconds + 3) * 1e9);
            for (int i = 0; System.nanoTime() < end; i++) {
                producer.sendFrame(topic, "latency", i, System.currentTimeMillis(), frames.get(i % frames.size()));
                producer.flush();
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            sending.set(false);
        }, "bench-camera");
        try (CommittedRecords matches = new CommittedRecords(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS),
                config.get(JobOptions.KAFKA_MATCHES_TOPIC))) {
            matches.poll(Duration.ofMillis(500), record -> { }); // joins the group before the clock starts
            camera.start();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < quietUntil) {
                matches.poll(Duration.ofMillis(20), record -> {
                    long now = System.currentTimeMillis();
                    try {
                        JsonNode match = MAPPER.readTree(record.value());
                        if (match.get("camera").asText().equals("latency") && match.get("frameSeq").asLong() >= warmUpFrames) {
                            latencies.add((double) (now - match.get("captureTs").asLong()));
                        }
                    } catch (IOException e) {
                        // not a match record: ignored
                    }
                });
                if (!sending.get() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + 3_000_000_000L;
                }
            }
        }
        camera.join();
        return latencies;
    }

    /** Resident memory of this process (the local Flink cluster with the models loaded runs in it). */
    static double residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
