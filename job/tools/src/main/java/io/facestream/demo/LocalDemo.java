package io.facestream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.console.Progress;
import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.preview.PreviewServer;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.stream.StreamMetrics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code ./facestream demo}: a local Kafka broker, the sample people enrolled, the sample
 * videos streamed as two cameras, the job in a local Flink with its web UI, sightings printed
 * (and, with {@code --matches}, every recognised face).
 */
public final class LocalDemo {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** What the user asked for. */
    public record Options(boolean once, boolean json, boolean matches, double fps, int previewPort, boolean progress,
                          Map<String, String> overrides) {
    }

    /**
     * With --once the videos are sent faster than they play; their frames are stamped as if recorded during the last
     * ten minutes (capture time = start of that window + the frame's time in the video), so tracking sees the
     * videos' real timing and no frame lies in the future.
     */
    private static final long ONCE_BACKDATE_MS = 600_000;

    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The line saying how many frames the job has analysed; sightings and matches are printed above it. */
    private Progress progress = Progress.off();

    public LocalDemo(Options options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public int run() throws Exception {
        Path modelsDir = Path.of(options.overrides().getOrDefault(FacePipelineOptions.MODELS_DIR.name(), "models"));
        SamplePeople samples = new SamplePeople(modelsDir);
        List<EnrollmentRequest> people = samples.people();
        Map<String, Path> cameras = samples.cameras();
        Path work = Files.createTempDirectory("facestream-demo-");
        err.println("demo: starting a local Kafka broker ...");
        err.flush();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            FaceStreamConfig config = config(broker.bootstrapServers(), work);
            try (Admin admin = broker.admin()) {
                TopicSpec.createMissing(admin, TopicSpec.forJob(config, 2), (short) 1);
            }
            try (FaceStreamProducer producer = new FaceStreamProducer(broker.bootstrapServers())) {
                for (EnrollmentRequest person : people) {
                    producer.sendEnrollment(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), person);
                }
                err.printf("demo: enrolled %d people (franck, cap and %d distractors) on %s%n", people.size(),
                        people.size() - 2, broker.bootstrapServers());

                PreviewServer preview = startPreview(config);
                try (RunningJob job = LocalJob.start(config)) {
                    err.printf("demo: job running; Flink web UI at http://localhost:%s%n",
                            config.withPrefix(JobOptions.FLINK).get("rest.port"));
                    err.flush();
                    job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= people.size(),
                            Duration.ofMinutes(5));
                    return stream(config, job, producer, cameras);
                } finally {
                    if (preview != null) {
                        preview.close();
                    }
                }
            }
        } finally {
            deleteQuietly(work);
        }
    }

    /** The live page on the demo's topics, on the asked port or, when that is taken, any free one; null when off. */
    private PreviewServer startPreview(FaceStreamConfig config) {
        if (options.previewPort() < 0) {
            return null;
        }
        PreviewServer.Settings settings = new PreviewServer.Settings(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS),
                new java.util.Properties(), config.get(JobOptions.KAFKA_FRAMES_TOPIC),
                config.get(JobOptions.KAFKA_MATCHES_TOPIC), config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC), "127.0.0.1",
                options.previewPort());
        PreviewServer preview;
        try {
            preview = PreviewServer.start(settings);
        } catch (IllegalStateException taken) {
            preview = PreviewServer.start(new PreviewServer.Settings(settings.bootstrapServers(), settings.client(),
                    settings.framesTopic(), settings.matchesTopic(), settings.sightingsTopic(), "127.0.0.1", 0));
        }
        err.printf("demo: live preview at %s%n", preview.address());
        err.flush();
        return preview;
    }

    private int stream(FaceStreamConfig config, RunningJob job, FaceStreamProducer producer, Map<String, Path> cameras)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
        List<Thread> producers = new ArrayList<>();
        long started = System.nanoTime();
        for (Map.Entry<String, Path> camera : cameras.entrySet()) {
            AtomicLong count = sent.computeIfAbsent(camera.getKey(), k -> new AtomicLong());
            Thread thread = new Thread(() -> streamCamera(config, producer, camera.getKey(), camera.getValue(), count, stop),
                    "camera " + camera.getKey());
            thread.start();
            producers.add(thread);
        }
        err.printf("demo: streaming %s at %.1f frames per video second%s%n", cameras.keySet(), options.fps(),
                options.once() ? " (as fast as possible, once)" : " in real time, looping; Ctrl-C stops");
        err.flush();
        progress = Progress.start(options.progress(), err, "demo", "frames", () -> {
            long analysed = job.accumulator(StreamMetrics.FRAMES_COMPLETED)
                    + job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR);
            long sentSoFar = sent.values().stream().mapToLong(AtomicLong::get).sum();
            // Looping, the stream has no end; once, the total is known when the cameras have sent their last frame.
            return options.once() ? new Progress.Count(analysed, sentSoFar, producers.stream().noneMatch(Thread::isAlive))
                    : new Progress.Count(analysed, 0, false);
        });
        Thread shutdown = new Thread(() -> stop.set(true));
        Runtime.getRuntime().addShutdownHook(shutdown);
        Map<String, Long> matchesPerPerson = new TreeMap<>();
        Sightings sightings = new Sightings();
        long matchCount = 0;
        String bootstrap = config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        try (CommittedRecords matches = new CommittedRecords(bootstrap, config.get(JobOptions.KAFKA_MATCHES_TOPIC));
             CommittedRecords sightingRecords = new CommittedRecords(bootstrap, config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC))) {
            boolean producing = true;
            long completedAt = 0;
            long total = 0;
            long lastNew = System.nanoTime();
            while (!stop.get() || producing) {
                int got = matches.poll(Duration.ofMillis(100), record -> printMatch(record, matchesPerPerson));
                matchCount += got;
                int sighted = sightingRecords.poll(Duration.ofMillis(150), record -> printSighting(record, sightings));
                if (got + sighted > 0) {
                    lastNew = System.nanoTime();
                }
                producing = producers.stream().anyMatch(Thread::isAlive);
                if (!options.once()) {
                    continue;
                }
                if (!producing && completedAt == 0) {
                    total = sent.values().stream().mapToLong(AtomicLong::get).sum();
                    long done = job.accumulator(StreamMetrics.FRAMES_COMPLETED)
                            + job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR);
                    if (done >= total) {
                        completedAt = System.nanoTime();
                    }
                }
                long quiet = 3 * config.get(JobOptions.CHECKPOINT_INTERVAL_MS) * 1_000_000L;
                // Sightings close once their camera has been idle for sightings.idle-close-ms; wait for that, within reason.
                long closing = (config.get(StreamOptions.SIGHTINGS_IDLE_CLOSE_MS) + 30_000) * 1_000_000L;
                boolean allClosed = sightings.open() == 0 || completedAt > 0 && System.nanoTime() - completedAt > closing;
                if (completedAt > 0 && System.nanoTime() - completedAt > quiet && System.nanoTime() - lastNew > quiet
                        && allClosed) {
                    break; // every frame analysed, every sighting closed, and the checkpoints since have committed them
                }
            }
            stop.set(true);
            progress.close();
            if (options.once()) {
                double seconds = (completedAt - started) / 1e9;
                summary(job, sent, matchesPerPerson, matchCount, sightings, total, seconds);
            }
        } finally {
            progress.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        return 0;
    }

    private void streamCamera(FaceStreamConfig config, FaceStreamProducer producer, String camera, Path video,
                              AtomicLong sent, AtomicBoolean stop) {
        String topic = config.get(JobOptions.KAFKA_FRAMES_TOPIC);
        do {
            try (FrameSource frames = FrameSource.open(video.toString(), new FrameOptions(options.fps(), 0, 90))) {
                long start = System.nanoTime();
                long captureBase = System.currentTimeMillis() - (options.once() ? ONCE_BACKDATE_MS : 0);
                for (EncodedFrame frame; !stop.get() && (frame = frames.next()) != null; ) {
                    if (!options.once()) {
                        long wait = start + (long) (frame.sourceSeconds() * 1e9) - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000);
                        }
                    }
                    long captureTs = captureBase + Math.round(frame.sourceSeconds() * 1000);
                    producer.sendFrame(topic, camera, sent.getAndIncrement(), captureTs, frame.jpeg());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } while (!options.once() && !stop.get());
        producer.flush();
    }

    /** The sightings seen so far: which are still open, and the closed ones per camera and person. */
    private static final class Sightings {
        private final Set<String> open = new HashSet<>();
        private final Map<String, Map<String, Long>> closedPerCamera = new TreeMap<>();
        private long closed;

        void add(JsonNode sighting) {
            String id = sighting.get("camera").asText() + "/" + sighting.get("trackId").asLong() + "/"
                    + sighting.get("firstSeen").asLong();
            switch (sighting.get("state").asText()) {
                case "open" -> open.add(id);
                case "closed" -> {
                    open.remove(id);
                    closed++;
                    String person = sighting.get("personId").isNull() ? "(unknown)" : sighting.get("personId").asText();
                    closedPerCamera.computeIfAbsent(sighting.get("camera").asText(), camera -> new TreeMap<>())
                            .merge(person, 1L, Long::sum);
                }
                default -> { }
            }
        }

        int open() {
            return open.size();
        }
    }

    private void printSighting(ConsumerRecord<byte[], byte[]> record, Sightings sightings) {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        try {
            JsonNode sighting = MAPPER.readTree(value);
            sightings.add(sighting);
            progress.above(() -> {
                out.println(options.json() ? value : SightingLines.format(sighting));
                out.flush();
            });
        } catch (java.io.IOException | RuntimeException e) {
            progress.above(() -> err.println("demo: unreadable sighting record: " + value));
        }
    }

    private void printMatch(ConsumerRecord<byte[], byte[]> record, Map<String, Long> perPerson) {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        try {
            JsonNode match = MAPPER.readTree(value);
            String person = match.get("personId").isNull() ? "(unknown)" : match.get("personId").asText();
            perPerson.merge(person, 1L, Long::sum);
            if (!options.matches()) {
                return;
            }
            String line = options.json() ? value : String.format(Locale.ROOT, "%s  %-10s frame %5d  %-8s %.3f",
                    TIME.format(Instant.ofEpochMilli(match.get("captureTs").asLong())), match.get("camera").asText(),
                    match.get("frameSeq").asLong(), match.get("name").isNull() ? "(unknown)" : match.get("name").asText(),
                    match.get("score").asDouble());
            progress.above(() -> {
                out.println(line);
                out.flush();
            });
        } catch (java.io.IOException e) {
            progress.above(() -> err.println("demo: unreadable match record: " + value));
        }
    }

    private void summary(RunningJob job, Map<String, AtomicLong> sent, Map<String, Long> perPerson, long matchCount,
                         Sightings sightings, long frames, double seconds) {
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("frames", frames);
        Map<String, Long> perCamera = new TreeMap<>();
        sent.forEach((camera, count) -> perCamera.put(camera, count.get()));
        summary.put("framesPerCamera", perCamera);
        summary.put("faces", job.accumulator(StreamMetrics.FACES_DETECTED));
        summary.put("matches", matchCount);
        summary.put("matchesPerPerson", perPerson);
        summary.put("unknownFaces", job.accumulator(StreamMetrics.UNKNOWN_FACES));
        summary.put("sightings", sightings.closed);
        summary.put("sightingsPerCamera", sightings.closedPerCamera);
        summary.put("sightingsStillOpen", sightings.open());
        long embedded = job.accumulator(StreamMetrics.FACES_EMBEDDED);
        summary.put("facesEmbedded", embedded);
        summary.put("recognizerCallsPerFrame", frames == 0 ? 0 : Math.round(1000.0 * embedded / frames) / 1000.0);
        summary.put("deadLetters", job.accumulator(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR)
                + job.accumulator(StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR));
        summary.put("seconds", Math.round(seconds * 10) / 10.0);
        summary.put("framesPerSecond", Math.round(frames / seconds * 10) / 10.0);
        if (options.json()) {
            out.println(MAPPER.createObjectNode().set("summary", MAPPER.valueToTree(summary)).toString());
        } else {
            out.println();
            out.println("summary");
            summary.forEach((key, value) -> out.printf("  %-23s %s%n", key, value));
        }
        out.flush();
    }

    private FaceStreamConfig config(String bootstrap, Path work) {
        Map<String, String> values = new HashMap<>();
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrap);
        values.put(JobOptions.JOB_NAME.name(), "facestream demo");
        values.put(JobOptions.CHECKPOINT_INTERVAL_MS.name(), "2000");
        values.put(JobOptions.CHECKPOINT_DIR.name(), work.resolve("checkpoints").toString());
        values.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.name(), "facestream-demo");
        values.put(JobOptions.JOB_PARALLELISM.name(), "1");
        values.put(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1");
        values.put("flink.rest.port", "8081");
        // Progress (accumulators) reaches the demo with TaskManager heartbeats: every second, not every 10.
        values.put("flink.heartbeat.interval", "1000");
        // The demo's cameras stop at the end of --once: close their sightings soon after.
        values.put(StreamOptions.SIGHTINGS_IDLE_CLOSE_MS.name(), "3000");
        values.putAll(options.overrides());
        return FaceStreamConfig.of(values, JobOptions.all());
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // temporary files only
        }
    }
}
