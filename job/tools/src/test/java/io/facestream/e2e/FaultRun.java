package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.committed;
import static io.facestream.e2e.JobTestSupport.json;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.videoFrames;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.serde.EnrollmentRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One fault test's data and bookkeeping: two cameras (frames of the sample videos), franck and
 * cap enrolled, unique topics, the matches a correct run must commit, a paced camera feed, and
 * the tally of what the matches and dead-letter topics hold afterwards.
 */
final class FaultRun implements AutoCloseable {
    private final LocalKafkaBroker broker;
    private final JobTestSupport.Topics topics;
    private final FaceStreamConfig config;
    private final Map<String, List<byte[]>> cameras = new TreeMap<>();
    private final List<EnrollmentRequest> people = List.of(person("franck"), person("cap"));
    private final Map<String, Integer> expected;
    private final FaceStreamProducer producer;

    FaultRun(LocalKafkaBroker broker, Path checkpoints, String name, Map<String, String> extraConfig) {
        this.broker = broker;
        this.topics = JobTestSupport.Topics.unique(name);
        topics.create(broker);
        Map<String, String> values = new HashMap<>(extraConfig);
        values.put(StreamOptions.MATCHES_EMIT_UNKNOWN.name(), "true");
        // Every face embedded: the expected matches are computed frame by frame, without the cache a restart empties.
        values.putIfAbsent(StreamOptions.TRACKING_REEMBED_EVERY_FRAMES.name(), "1");
        this.config = JobTestSupport.config(broker, topics, checkpoints, values);
        cameras.put("cam-franck", videoFrames("franck.mp4", 0.3, 60));
        cameras.put("cam-cap", videoFrames("cap13_edit2.mp4", 2, 60));
        this.expected = Accounting.expected(config, people, cameras);
        this.producer = new FaceStreamProducer(broker.bootstrapServers());
    }

    FaceStreamConfig config() {
        return config;
    }

    JobTestSupport.Topics topics() {
        return topics;
    }

    List<EnrollmentRequest> people() {
        return people;
    }

    /** Frames per camera (the longer camera's count). */
    int length() {
        return cameras.values().stream().mapToInt(List::size).max().orElse(0);
    }

    int total() {
        return cameras.values().stream().mapToInt(List::size).sum();
    }

    /** Frames of both cameras with sequence numbers in [from, to). */
    int framesBetween(int from, int to) {
        return cameras.values().stream().mapToInt(frames -> Math.max(0, Math.min(to, frames.size()) - from)).sum();
    }

    void enroll() {
        people.forEach(person -> producer.sendEnrollment(topics.enrollments(), person));
    }

    /** Sends the frames numbered [from, to) of every camera, {@code pauseMs} apart, like cameras do. */
    void send(int from, int to, long pauseMs) {
        for (int seq = from; seq < to; seq++) {
            for (Map.Entry<String, List<byte[]>> camera : cameras.entrySet()) {
                if (seq < camera.getValue().size()) {
                    producer.sendFrame(topics.frames(), camera.getKey(), seq, System.currentTimeMillis(), camera.getValue().get(seq));
                }
            }
            producer.flush();
            if (pauseMs > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
            }
        }
    }

    /** The same, on a thread of its own. */
    Thread sendInBackground(int from, int to, long pauseMs) {
        Thread feed = new Thread(() -> send(from, to, pauseMs), "camera-feed");
        feed.start();
        return feed;
    }

    /** The committed matches by camera/frameSeq/personId, once every expected one is there (or the time is up). */
    Map<String, Integer> awaitCommitted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Integer> actual = Map.of();
        while (System.nanoTime() < deadline) {
            actual = Accounting.actual(json(committed(broker, topics.matches(), Duration.ofSeconds(3))));
            if (actual.keySet().containsAll(expected.keySet())) {
                return actual;
            }
        }
        return actual;
    }

    /** Committed sightings by camera/trackId/firstSeen/state/personId: each must be written once. */
    Map<String, Integer> sightings() {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode sighting : json(committed(broker, topics.sightings(), Duration.ofSeconds(2)))) {
            counts.merge(sighting.get("camera").asText() + "/" + sighting.get("trackId").asLong() + "/"
                    + sighting.get("firstSeen").asLong() + "/" + sighting.get("state").asText() + "/"
                    + sighting.get("personId").asText(), 1, Integer::sum);
        }
        return counts;
    }

    long deadLetters() {
        return committed(broker, topics.deadLetters(), Duration.ofSeconds(2)).size();
    }

    Map<String, Integer> expected() {
        return expected;
    }

    Accounting.Tally tally(Map<String, Integer> actual) {
        return Accounting.Tally.of(total(), expected, actual, deadLetters());
    }

    @Override
    public void close() {
        producer.close();
    }
}
