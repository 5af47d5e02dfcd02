package io.facestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * Many cameras, each on its own clock: N cameras (a tenth of them five minutes slow, a twentieth 200 s fast), every one
 * known to the job (a first frame each, and state kept for the whole run), then bursts of four frames of an enrolled
 * person at 5 fps on one camera after another, two bursts a second whatever N is. Each burst opens a sighting; its
 * latency is from the capture of the frame that opened it to the sighting as a read_committed consumer sees it, for
 * the cameras with right clocks. The same offered load at 10 cameras and at N shows what the number of cameras
 * costs: latency, heap after a full GC, and the size of a full checkpoint. Then, at N cameras, 10,000 people are
 * enrolled at once while the bursts go on: how fast they enter the gallery, and how much longer a sighting waits
 * meanwhile than the longest wait without them (the stall a bulk load causes the frame path).
 */
final class CamerasBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int BURST_FRAMES = 4;
    static final long FRAME_GAP_MS = 200;
    static final long BURST_EVERY_MS = 500;
    static final long SLOW_MS = 300_000;
    static final long FAST_MS = 200_000;

    /** What one run gave; the bulk figures when people were enrolled in bulk while the bursts went on. */
    record Run(int cameras, List<Double> latenciesMs, double heapMb, double stateMb, long bursts,
               Bulk bulk) {
    }

    /** A bulk load of {@code people} enrollments while cameras stream: how fast, and the sightings' latency meanwhile. */
    record Bulk(int people, double seconds, List<Double> latenciesMs) {
    }

    private final Map<String, String> baseConfig;
    private final SamplePeople samples;
    private final PrintWriter err;

    CamerasBenchmark(Map<String, String> baseConfig, SamplePeople samples, PrintWriter err) {
        this.baseConfig = baseConfig;
        this.samples = samples;
        this.err = err;
    }

    Run run(LocalKafkaBroker broker, int cameras, List<byte[]> burst, double seconds, int bulkPeople) throws Exception {
        Path work = Files.createTempDirectory("facestream-bench-cameras-");
        try {
            FaceStreamConfig config = config(broker, work, cameras);
            try (RunningJob job = LocalJob.start(config);
                 FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers());
                 CommittedRecords sightings = new CommittedRecords(broker.bootstrapServers(),
                         config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC))) {
                producer.sendEnrollment(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), samples.people().get(0));
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(5));
                String frames = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
                err.printf("bench: %d cameras, a first frame each%n", cameras);
                for (int c = 0; c < cameras; c++) {
                    producer.sendFrame(frames, camera(c), 0, clockOf(c, System.currentTimeMillis()), burst.get(0));
                }
                producer.flush();
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= cameras, Duration.ofMinutes(15));
                sightings.poll(Duration.ofMillis(500), record -> { }); // joined before the clock starts

                err.printf("bench: %d cameras, bursts for %.0f s%n", cameras, seconds);
                long measureFrom = System.currentTimeMillis();
                List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
                List<Double> bulkLatencies = Collections.synchronizedList(new ArrayList<>());
                AtomicReference<List<Double>> into = new AtomicReference<>(latencies);
                AtomicBoolean reading = new AtomicBoolean(true);
                Thread reader = new Thread(() -> {
                    while (reading.get()) {
                        sightings.poll(Duration.ofMillis(200), record -> {
                            long now = System.currentTimeMillis();
                            try {
                                JsonNode sighting = MAPPER.readTree(record.value());
                                int c = Integer.parseInt(sighting.get("camera").asText().substring(4));
                                if ("open".equals(sighting.get("state").asText()) && clockOf(c, 0) == 0
                                        && sighting.get("firstSeen").asLong() >= measureFrom) {
                                    into.get().add((double) (now - sighting.get("lastSeen").asLong()));
                                }
                            } catch (IOException | RuntimeException e) {
                                // not a sighting of ours
                            }
                        });
                    }
                }, "bench-sightings-reader");
                reader.start();
                long bursts = sendBursts(producer, frames, cameras, burst, seconds);
                Thread.sleep(8_000); // the last bursts' sightings: reorder wait, checkpoint, commit
                double stateMb = latestCheckpointMb(work);
                double heapMb = heapAfterGcMb();
                Bulk bulk = null;
                if (bulkPeople > 0) {
                    into.set(bulkLatencies);
                    bulk = bulkLoad(config, job, producer, frames, cameras, burst, bulkPeople, bulkLatencies);
                }
                reading.set(false);
                reader.join();
                return new Run(cameras, latencies, heapMb, stateMb, bursts, bulk);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * {@code people} enrollments (by embedding, as a bulk import would send them) written at once while the bursts go
     * on; the time until every one is in the gallery, and the sightings' latencies in the meantime.
     */
    private Bulk bulkLoad(FaceStreamConfig config, RunningJob job, FaceStreamProducer producer, String frames,
            int cameras, List<byte[]> burst, int people, List<Double> latencies) throws Exception {
        err.printf("bench: %d cameras, bursts while %,d people are enrolled%n", cameras, people);
        long before = job.accumulator(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR);
        String topic = config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC);
        String model = config.get(FacePipelineOptions.RECOGNIZER_MODEL);
        Random random = new Random(7);
        Thread camerasThread = new Thread(() -> {
            try {
                sendBursts(producer, frames, cameras, burst, 30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-bulk-cameras");
        camerasThread.start();
        Thread.sleep(3_000); // bursts under way before the load starts
        long start = System.nanoTime();
        for (int i = 0; i < people; i++) {
            float[] embedding = new float[512];
            for (int d = 0; d < embedding.length; d++) {
                embedding[d] = (float) random.nextGaussian();
            }
            producer.sendEnrollment(topic, EnrollmentRequest.ofEmbedding(String.format("bulk-%06d", i),
                    "Bulk " + i, embedding, model));
        }
        producer.flush();
        job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= before + people, Duration.ofMinutes(15));
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        camerasThread.join();
        Thread.sleep(8_000);
        return new Bulk(people, loadSeconds, new ArrayList<>(latencies));
    }

    /** Bursts on the cameras in a shuffled order, one every BURST_EVERY_MS; returns how many started. */
    private static long sendBursts(FaceStreamProducer producer, String topic, int cameras, List<byte[]> burst,
            double seconds) throws InterruptedException {
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            order.add(c);
        }
        Collections.shuffle(order, new Random(42));
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long count = (long) (seconds * 1000 / BURST_EVERY_MS);
        long[] seq = new long[cameras];
        try {
            for (long b = 0; b < count; b++) {
                int c = order.get((int) (b % cameras));
                for (int f = 0; f < BURST_FRAMES; f++) {
                    byte[] image = burst.get(f % burst.size());
                    clock.schedule(() -> {
                        long frameSeq;
                        synchronized (seq) {
                            frameSeq = ++seq[c];
                        }
                        producer.sendFrame(topic, camera(c), frameSeq, clockOf(c, System.currentTimeMillis()), image);
                        producer.flush();
                    }, b * BURST_EVERY_MS + f * FRAME_GAP_MS, TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            clock.shutdown();
            clock.awaitTermination((long) seconds + 60, TimeUnit.SECONDS);
        }
        return count;
    }

    static String camera(int c) {
        return String.format("cam-%05d", c);
    }

    /** Camera {@code c}'s clock at {@code now}: a tenth of the cameras five minutes slow, a twentieth 200 s fast. */
    static long clockOf(int c, long now) {
        if (c % 10 == 3) {
            return now - SLOW_MS;
        }
        if (c % 20 == 7) {
            return now + FAST_MS;
        }
        return now;
    }

    private FaceStreamConfig config(LocalKafkaBroker broker, Path work, int cameras) {
        Map<String, String> values = new HashMap<>(baseConfig);
        String name = "cameras-" + cameras;
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        values.put(JobOptions.CHECKPOINT_DIR.name(), work.resolve("checkpoints").toString());
        values.put(JobOptions.JOB_NAME.name(), "facestream bench " + name);
        values.put(JobOptions.KAFKA_FRAMES_TOPIC.name(), "frames-" + name);
        values.put(JobOptions.KAFKA_MATCHES_TOPIC.name(), "matches-" + name);
        values.put(JobOptions.KAFKA_SIGHTINGS_TOPIC.name(), "sightings-" + name);
        values.put(JobOptions.KAFKA_ENROLLMENTS_TOPIC.name(), "enrollments-" + name);
        values.put(JobOptions.KAFKA_DEAD_LETTER_TOPIC.name(), "dlq-" + name);
        values.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.name(), "bench-" + name);
        values.put(JobOptions.KAFKA_GROUP_ID.name(), "bench-" + name);
        values.put(StreamOptions.MATCHES_ENABLED.name(), "false");
        // Every camera keeps its state for the whole run: the cost of N cameras known at once, not of the few recent.
        values.put(StreamOptions.SIGHTINGS_IDLE_CLOSE_MS.name(), "600000");
        values.putIfAbsent(JobOptions.CHECKPOINT_INTERVAL_MS.name(), "500");
        // Full checkpoints, so the latest one's size is the state's.
        values.putIfAbsent("flink.execution.checkpointing.incremental", "false");
        values.putIfAbsent("flink.heartbeat.interval", "500");
        values.putIfAbsent("flink.rest.port", "0");
        FaceStreamConfig config = FaceStreamConfig.of(values, JobOptions.all());
        try (Admin admin = broker.admin()) {
            TopicSpec.createMissing(admin, TopicSpec.forJob(config, 2), (short) 1);
        }
        return config;
    }

    /** Megabytes of the newest completed checkpoint (chk-N with a _metadata file) under {@code work}. */
    static double latestCheckpointMb(Path work) throws IOException {
        Path newest = null;
        long newestNumber = -1;
        try (Stream<Path> dirs = Files.walk(work)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().matches("chk-[0-9]+")).toList()) {
                long number = Long.parseLong(dir.getFileName().toString().substring(4));
                if (number > newestNumber && Files.exists(dir.resolve("_metadata"))) {
                    newest = dir;
                    newestNumber = number;
                }
            }
        }
        if (newest == null) {
            return -1;
        }
        long bytes;
        try (Stream<Path> files = Files.walk(newest)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
        return bytes / 1e6;
    }

    static double heapAfterGcMb() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    /** The figures of a 10-camera run and an N-camera run under the same load. */
    static Map<String, Object> summary(Run few, Run many) {
        Map<String, Object> summary = new LinkedHashMap<>();
        double p99 = BenchReport.percentile(many.latenciesMs(), 99);
        double fewP99 = BenchReport.percentile(few.latenciesMs(), 99);
        summary.put("cameras", many.cameras());
        summary.put("cameras_latency_p50_ms", Stopwatch.round(BenchReport.percentile(many.latenciesMs(), 50), 1));
        summary.put("cameras_latency_p99_ms", Stopwatch.round(p99, 1));
        summary.put("cameras_heap_mb", Stopwatch.round(many.heapMb(), 1));
        summary.put("cameras_state_mb", Stopwatch.round(many.stateMb(), 3));
        summary.put("cameras_sightings_opened", many.latenciesMs().size());
        summary.put("cameras_bursts", many.bursts());
        summary.put("cameras_few", few.cameras());
        summary.put("cameras_few_latency_p50_ms", Stopwatch.round(BenchReport.percentile(few.latenciesMs(), 50), 1));
        summary.put("cameras_few_latency_p99_ms", Stopwatch.round(fewP99, 1));
        summary.put("cameras_few_heap_mb", Stopwatch.round(few.heapMb(), 1));
        summary.put("cameras_few_state_mb", Stopwatch.round(few.stateMb(), 3));
        summary.put("cameras_few_sightings_opened", few.latenciesMs().size());
        summary.put("cameras_latency_p99_ratio", Stopwatch.round(p99 / fewP99, 2));
        int extra = Math.max(1, many.cameras() - few.cameras());
        summary.put("cameras_heap_kb_per_camera", Stopwatch.round((many.heapMb() - few.heapMb()) * 1000 / extra, 2));
        summary.put("cameras_state_bytes_per_camera", Math.round((many.stateMb() - few.stateMb()) * 1e6 / extra));
        if (many.bulk() != null) {
            Bulk bulk = many.bulk();
            summary.put("bulk_enroll_people", bulk.people());
            summary.put("bulk_enroll_people_per_s", Stopwatch.round(bulk.people() / bulk.seconds(), 1));
            summary.put("bulk_enroll_sightings", bulk.latenciesMs().size());
            summary.put("bulk_enroll_latency_p99_ms", Stopwatch.round(BenchReport.percentile(bulk.latenciesMs(), 99), 1));
            double before = BenchReport.percentile(many.latenciesMs(), 100);
            double during = BenchReport.percentile(bulk.latenciesMs(), 100);
            // The longest a sighting waited beyond the longest wait without the load: the stall the load caused.
            summary.put("bulk_enroll_stall_ms", Stopwatch.round(Math.max(0, during - before), 1));
        }
        return summary;
    }
}
