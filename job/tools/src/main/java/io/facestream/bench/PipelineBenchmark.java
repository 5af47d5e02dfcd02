package io.facestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FaceStreamConfig;
import io.facestream.console.Progress;
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The product end to end: a local broker, the job in a local Flink, frames in through Kafka,
 * matches out through Kafka. Sustained frames per second; then latency from capture-ts to the
 * committed match at half that load; the process's resident memory.
 */
final class PipelineBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Figures of the job: throughput, latencies, resident memory before and after the soak. */
    record Result(double framesPerSecond, List<Double> latenciesMs, List<Double> liveLatenciesMs,
                  double latencyWarmUpSeconds, double residentMb,
                  double residentAfterSoakMb,
                  double soakMinutes) {
    }

    private final Map<String, String> baseConfig;
    private final SamplePeople samples;
    private final PrintWriter err;
    private final boolean progress;

    PipelineBenchmark(Map<String, String> baseConfig, SamplePeople samples, PrintWriter err, boolean progress) {
        this.baseConfig = baseConfig;
        this.samples = samples;
        this.err = err;
        this.progress = progress;
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
            try (RunningJob job = LocalJob.start(throughputConfig)) {
                try (Progress shown = Progress.start(progress, err, "bench throughput", "frames",
                        () -> Progress.Count.of(job.accumulator(StreamMetrics.FRAMES_COMPLETED), total))) {
                    // Steady state: from the fifth of the frames on, past start-up and JIT warm-up.
                    long from = job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total / 5, Duration.ofMinutes(5));
                    long start = System.nanoTime();
                    job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= total, Duration.ofMinutes(30));
                    fps = (total - from) / ((System.nanoTime() - start) / 1e9);
                }
                residentMb = residentMegabytes();
                residentAfterSoakMb = soak(throughputConfig, producer, frames, job, soakMinutes);
            }
            Latencies latencies;
            try (RunningJob job = LocalJob.start(latencyConfig)) {
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 2, Duration.ofMinutes(5));
                latencies = latency(latencyConfig, job, producer, frames, fps / 2, latencySeconds);
            }
            return new Result(fps, latencies.committed(), latencies.live(), latencies.warmUpSeconds(), residentMb, residentAfterSoakMb, soakMinutes);
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
        try (Admin admin = broker.admin()) {
            TopicSpec.createMissing(admin, TopicSpec.forJob(config, 2), (short) 1);
        }
        try (FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            for (EnrollmentRequest person : samples.people().subList(0, 2)) {
                producer.sendEnrollment(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), person);
            }
        }
        return config;
    }

    /** Full load for {@code minutes}: frames pushed as fast as the job takes them; resident memory at the end. */
    private double soak(FaceStreamConfig config, FaceStreamProducer producer, List<byte[]> frames, RunningJob job,
                        double minutes) {
        if (minutes <= 0) {
            return residentMegabytes();
        }
        String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
        long begin = System.nanoTime();
        long end = begin + (long) (minutes * 60e9);
        // Counted in seconds: the soak lasts a given time, not a given number of frames.
        try (Progress shown = Progress.start(progress, err, "bench soak", Progress.SECONDS,
                () -> Progress.Count.of((System.nanoTime() - begin) / 1_000_000_000L, Math.round(minutes * 60)))) {
            return soakUntil(end, topic, producer, frames, job);
        }
    }

    private static double soakUntil(long end, String topic, FaceStreamProducer producer, List<byte[]> frames,
                                    RunningJob job) {
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

    /** Capture-to-visible delays of the matches: for read_committed consumers, and for those that read uncommitted. */
    record Latencies(List<Double> committed, List<Double> live, double warmUpSeconds) {
    }

    /**
     * Frames sent at {@code rate} per second for a while; each match's delay after its capture as a read_committed
     * consumer sees it (when the checkpoint commits it) and as a read_uncommitted one does (when the job writes it).
     * Counted from the first frame after the warm-up: at least three seconds, and until the fresh job (its model
     * sessions, JIT, first transactions) has done every frame sent more than a second before, so the figures are the
     * steady state at that rate and not the start-up's backlog draining (at most 30 s; BENCHMARKS.md: Latency).
     */
    private Latencies latency(FaceStreamConfig config, RunningJob job, FaceStreamProducer producer, List<byte[]> frames,
                              double rate, double seconds) throws Exception {
        List<Double> committed = Collections.synchronizedList(new ArrayList<>());
        List<Double> live = Collections.synchronizedList(new ArrayList<>());
        double perSecond = Math.max(rate, 0.5);
        AtomicLong sent = new AtomicLong();
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong sendUntil = new AtomicLong(Long.MAX_VALUE);
        AtomicLong warmUpNanos = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
        Thread camera = new Thread(() -> {
            long period = (long) (1e9 / perSecond);
            long next = System.nanoTime();
            try {
                for (int i = 0; System.nanoTime() < sendUntil.get(); i++) {
                    producer.sendFrame(topic, "latency", i, System.currentTimeMillis(), frames.get(i % frames.size()));
                    producer.flush();
                    sent.set(i + 1);
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sending.set(false); // whatever ended it, the reading loop stops waiting for more
            }
        }, "bench-camera");
        String servers = config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        String matchesTopic = config.get(JobOptions.KAFKA_MATCHES_TOPIC);
        Properties uncommitted = new Properties();
        uncommitted.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        uncommitted.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-live-" + UUID.randomUUID());
        uncommitted.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Each reader on a thread of its own, blocking in poll until a record arrives: a shared loop would add its
        // own turn to every delay.
        try (CommittedRecords matches = new CommittedRecords(servers, matchesTopic);
             KafkaConsumer<byte[], byte[]> liveMatches = new KafkaConsumer<>(uncommitted, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer());
             Progress shown = Progress.start(progress, err, "bench latency at half load", "frames", () -> {
                 long from = measuredFrom.get();
                 long done = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                 return from == Long.MAX_VALUE ? new Progress.Count(done, sent.get(), false)
                         : Progress.Count.of(done, from + Math.round(seconds * perSecond));
             })) {
            liveMatches.subscribe(List.of(matchesTopic));
            matches.poll(Duration.ofMillis(500), record -> { }); // joins the group before the clock starts
            liveMatches.poll(Duration.ofMillis(500));
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread liveReader = new Thread(() -> {
                while (reading.get()) {
                    for (var record : liveMatches.poll(Duration.ofMillis(200))) {
                        delay(record.value(), measuredFrom.get(), live);
                    }
                }
            }, "bench-live-reader");
            liveReader.start();
            camera.start();
            try {
                long started = System.nanoTime();
                long quietUntil = Long.MAX_VALUE;
                while (System.nanoTime() < quietUntil) {
                    matches.poll(Duration.ofMillis(200), record -> delay(record.value(), measuredFrom.get(), committed));
                    long warm = System.nanoTime() - started;
                    if (measuredFrom.get() == Long.MAX_VALUE && warm > 3_000_000_000L
                            && (caughtUp(job, (warm - 1_000_000_000L) / 1e9 * perSecond) || warm > 30_000_000_000L)) {
                        sendUntil.set(System.nanoTime() + (long) (seconds * 1e9));
                        measuredFrom.set(sent.get());
                        warmUpNanos.set(warm);
                    }
                    if (!sending.get() && quietUntil == Long.MAX_VALUE) {
                        quietUntil = System.nanoTime() + 3_000_000_000L;
                    }
                }
            } finally {
                // Also when reading failed: the camera stops sending and the live reader leaves its consumer before
                // it is closed.
                sendUntil.set(0);
                reading.set(false);
                liveReader.join();
                camera.join();
            }
        }
        return new Latencies(committed, live, warmUpNanos.get() / 1e9);
    }

    /** Whether the job has done every frame sent up to {@code framesSentASecondAgo} (its counters lag a heartbeat). */
    private static boolean caughtUp(RunningJob job, double framesSentASecondAgo) {
        return job.accumulator(StreamMetrics.FRAMES_COMPLETED) >= (long) framesSentASecondAgo;
    }

    /** Adds now minus the match's capture time, for the latency camera's frames after the warm-up. */
    private static void delay(byte[] value, long measuredFrom, List<Double> into) {
        long now = System.currentTimeMillis();
        try {
            JsonNode match = MAPPER.readTree(value);
            if (match.get("camera").asText().equals("latency") && match.get("frameSeq").asLong() >= measuredFrom) {
                into.add((double) (now - match.get("captureTs").asLong()));
            }
        } catch (IOException | RuntimeException e) {
            // not a match record: ignored
        }
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
