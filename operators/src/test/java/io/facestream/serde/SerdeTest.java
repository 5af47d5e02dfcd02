package io.facestream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.track.FaceBox;
import io.facestream.track.Sighting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SerdeTest {
    /** The TaskManager's clock in these tests: 2023-11-14T22:13:20Z. */
    static final long NOW = 1_700_000_000_000L;

    static ConsumerRecord<byte[], byte[]> record(String key, byte[] value, String... headers) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("frames", 1, 42L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        for (int i = 0; i < headers.length; i += 2) {
            record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    static FrameRecord frame(ConsumerRecord<byte[], byte[]> record) {
        List<FrameRecord> out = new ArrayList<>();
        new FrameDeserializationSchema(300_000, () -> NOW).deserialize(record, new Collector<>() {
            @Override
            public void collect(FrameRecord value) {
                out.add(value);
            }

            @Override
            public void close() {
            }
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void framesReadCameraSequenceAndCaptureTimeFromKeyAndHeaders() {
        FrameRecord frame = frame(record("cam-1", new byte[] {1, 2}, "capture-ts", "1700000000123", "frame-seq", "7"));
        assertThat(frame.camera()).isEqualTo("cam-1");
        assertThat(frame.captureTs()).isEqualTo(1700000000123L);
        assertThat(frame.frameSeq()).isEqualTo(7L);
        assertThat(frame.problem()).isNull();
        assertThat(frame.image()).containsExactly(1, 2);
        assertThat(frame.raw().origin()).isEqualTo("frames/1@42");
    }

    @Test
    void missingHeadersFallBackToTheKafkaTimestampAndOffset() {
        ConsumerRecord<byte[], byte[]> stamped = new ConsumerRecord<>("frames", 1, 42L, NOW - 5,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 1, 1, "cam-1".getBytes(StandardCharsets.UTF_8),
                new byte[] {1}, new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        FrameRecord frame = frame(stamped);
        assertThat(frame.frameSeq()).isEqualTo(42L);
        assertThat(frame.captureTs()).isEqualTo(NOW - 5);
        assertThat(frame.problem()).isNull();
        // A record without a Kafka timestamp (old message format) and without the header has no capture time.
        assertThat(frame(record("cam-1", new byte[] {1})).problem())
                .isEqualTo("capture time -1 from the Kafka timestamp (no capture-ts header) is negative");
    }

    @Test
    void implausibleCaptureTimesAreMarkedWithTheReason() {
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", "-5")).problem())
                .isEqualTo("capture time -5 from header capture-ts is negative");
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", "123")).problem())
                .isEqualTo("capture time 1970-01-01T00:00:00.123Z from header capture-ts is before 2000: is the camera's clock set?");
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", Long.toString(NOW + 300_001))).problem())
                .isEqualTo("capture time 2023-11-14T22:18:20.001Z from header capture-ts is 300001 ms ahead of this machine's "
                        + "clock, more than frames.max-clock-skew-ms=300000");
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", Long.toString(Long.MAX_VALUE))).problem())
                .contains("ahead of this machine's clock");
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", Long.toString(NOW + 300_000))).problem()).isNull();
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", "946684800000")).problem()).isNull();
    }

    @Test
    void unusableRecordsAreMarkedNotThrown() {
        assertThat(frame(record(null, new byte[] {1})).problem()).isEqualTo("missing key: the camera id");
        assertThat(frame(record("cam", new byte[] {1}, "capture-ts", "soon")).problem())
                .isEqualTo("header capture-ts is not epoch millis: 'soon'");
        assertThat(frame(record("cam", new byte[] {1}, "frame-seq", "x")).problem()).isEqualTo("header frame-seq is not a number: 'x'");
    }

    @Test
    void aCameraIdTooLongOrUnprintableIsRefusedAndNeverBecomesTheFramesCamera() {
        FrameRecord huge = frame(record("c".repeat(700_000), new byte[] {1}, "capture-ts", Long.toString(NOW)));
        assertThat(huge.problem()).isEqualTo("the camera id (record key) is 700000 bytes, more than the 256 allowed");
        assertThat(huge.camera()).isEmpty();
        assertThat(huge.raw().key()).hasSize(700_000); // the dead letter still carries the original
        FrameRecord bell = frame(record("cam\u0000", new byte[] {1}, "capture-ts", Long.toString(NOW)));
        assertThat(bell.problem()).startsWith("the camera id (record key) contains U+0000 (a control character)");
        assertThat(bell.camera()).isEmpty();
        ConsumerRecord<byte[], byte[]> malformed = new ConsumerRecord<>("frames", 0, 1L, new byte[] {(byte) 0xFF, 'a'}, new byte[] {1});
        assertThat(frame(malformed).problem()).isEqualTo("the camera id (record key) is not valid UTF-8");
    }

    @Test
    void enrollmentNamesAndPhotoCountsAreBounded() {
        assertThatThrownBy(() -> EnrollmentRequest.parse("p", ("{\"name\":\"" + "n".repeat(1_200_000) + "\",\"images\":[\"AA==\"]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessage("\"name\" is 1200000 bytes, more than the 512 allowed");
        assertThatThrownBy(() -> EnrollmentRequest.parse("p", "{\"name\":\"a\\u0007b\",\"images\":[\"AA==\"]}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageStartingWith("\"name\" contains U+0007 (a control character)");
        String seventeen = "[" + String.join(",", java.util.Collections.nCopies(17, "\"AA==\"")) + "]";
        assertThatThrownBy(() -> EnrollmentRequest.parse("p", ("{\"name\":\"a\",\"images\":" + seventeen + "}")
                .getBytes(StandardCharsets.UTF_8))).hasMessage("\"images\" has 17 photos, more than the 16 an enrollment may have");
    }

    @Test
    void aResultLargerThanItsTopicTakesBecomesADeadLetterThatFitsItsOwn() {
        RecordBudget budget = new RecordBudget(4_096, "kafka.results-max-bytes", "frames-dlq", 4_096);
        MatchRecord small = new MatchRecord("cam-1", 7, NOW, "ann", "Ann", 0.8f, new float[4], new float[10], "m");
        assertThat(new MatchSerializationSchema("face-matches", budget).serialize(small, null, null).topic())
                .isEqualTo("face-matches");
        MatchRecord huge = new MatchRecord("cam-1", 7, NOW, "ann", "A".repeat(10_000), 0.8f, new float[4], new float[10], "m");
        ProducerRecord<byte[], byte[]> record = new MatchSerializationSchema("face-matches", budget).serialize(huge, null, null);
        assertThat(record.topic()).isEqualTo("frames-dlq");
        assertThat(new String(record.headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                .matches("a result of \\d+ bytes for topic 'face-matches' exceeds kafka.results-max-bytes=4096");
        assertThat(new String(record.headers().lastHeader("error-stage").value(), StandardCharsets.UTF_8)).isEqualTo("output");
        assertThat(record.value()).as("left out to fit the dead-letter topic").isNull();
        assertThat(RecordBudget.sizeOf(record)).isLessThan(4_096);
    }

    @Test
    void matchesAreWrittenAsTheDocumentedJson() throws Exception {
        MatchRecord match = new MatchRecord("cam-1", 7, 1700000000123L, "ann", "Ann", 0.81234f,
                new float[] {1.234f, 2, 3, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "faceplugin-fr");
        ProducerRecord<byte[], byte[]> record = new MatchSerializationSchema("face-matches").serialize(match, null, null);
        assertThat(record.topic()).isEqualTo("face-matches");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        JsonNode json = new ObjectMapper().readTree(record.value());
        assertThat(json.get("camera").asText()).isEqualTo("cam-1");
        assertThat(json.get("frameSeq").asLong()).isEqualTo(7);
        assertThat(json.get("captureTs").asLong()).isEqualTo(1700000000123L);
        assertThat(json.get("personId").asText()).isEqualTo("ann");
        assertThat(json.get("name").asText()).isEqualTo("Ann");
        assertThat(json.get("score").asDouble()).isEqualTo(0.8123);
        assertThat(json.get("box").get(0).asDouble()).isEqualTo(1.23);
        assertThat(json.get("landmarks")).hasSize(5);
        assertThat(json.get("landmarks").get(4).get(1).asDouble()).isEqualTo(10.0);
        assertThat(json.get("model").asText()).isEqualTo("faceplugin-fr");

        MatchRecord unknown = new MatchRecord("cam-1", 7, 1, null, null, 0.1f, new float[4], new float[10], "m");
        JsonNode unknownJson = new ObjectMapper().readTree(new MatchSerializationSchema("t").serialize(unknown, null, null).value());
        assertThat(unknownJson.get("personId").isNull()).isTrue();
    }

    @Test
    void sightingsAreWrittenAsTheDocumentedJson() throws Exception {
        Sighting sighting = new Sighting("cam-1", 4, "ann", "Ann", 1700000000000L, 1700000038800L, 194, 0.91234,
                new FaceBox(10.123, 20, 110, 140), 57, Sighting.State.CLOSED, false);
        ProducerRecord<byte[], byte[]> record = new SightingSerializationSchema("sightings", "faceplugin-fr")
                .serialize(sighting, null, null);
        assertThat(record.topic()).isEqualTo("sightings");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        assertThat(record.timestamp()).isEqualTo(1700000038800L);
        JsonNode json = new ObjectMapper().readTree(record.value());
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("camera", "trackId",
                "personId", "name", "firstSeen", "lastSeen", "faces", "bestScore", "bestBox", "bestFrameSeq", "state",
                "retroactive", "model");
        assertThat(json.get("trackId").asLong()).isEqualTo(4);
        assertThat(json.get("personId").asText()).isEqualTo("ann");
        assertThat(json.get("firstSeen").asLong()).isEqualTo(1700000000000L);
        assertThat(json.get("lastSeen").asLong()).isEqualTo(1700000038800L);
        assertThat(json.get("faces").asInt()).isEqualTo(194);
        assertThat(json.get("bestScore").asDouble()).isEqualTo(0.9123);
        assertThat(json.get("bestBox").get(0).asDouble()).isEqualTo(10.12);
        assertThat(json.get("bestFrameSeq").asLong()).isEqualTo(57);
        assertThat(json.get("state").asText()).isEqualTo("closed");
        assertThat(json.get("retroactive").asBoolean()).isFalse();
        assertThat(json.get("model").asText()).isEqualTo("faceplugin-fr");

        Sighting unnamed = new Sighting("cam-1", 5, null, null, 1, 2, 3, Double.NaN, null, -1, Sighting.State.CLOSED, false);
        JsonNode unnamedJson = new ObjectMapper().readTree(new SightingSerializationSchema("t", "m").serialize(unnamed, null, null)
                .value());
        assertThat(unnamedJson.get("personId").isNull()).isTrue();
        assertThat(unnamedJson.get("bestScore").isNull()).isTrue();
        assertThat(unnamedJson.get("bestBox").isNull()).isTrue();
    }

    @Test
    void deadLettersKeepTheOriginalRecordAndAddTheReason() {
        ConsumerRecord<byte[], byte[]> original = record("cam-1", new byte[] {9, 9}, "capture-ts", "5");
        DeadLetter letter = new DeadLetter(RawRecord.of(original), "decode", "truncated JPEG");
        ProducerRecord<byte[], byte[]> out = new DeadLetterSerializationSchema("frames-dlq", 1_048_588).serialize(letter, null, null);
        assertThat(out.key()).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(out.value()).containsExactly(9, 9);
        assertThat(new String(out.headers().lastHeader("capture-ts").value(), StandardCharsets.UTF_8)).isEqualTo("5");
        assertThat(new String(out.headers().lastHeader("error").value(), StandardCharsets.UTF_8)).isEqualTo("truncated JPEG");
        assertThat(new String(out.headers().lastHeader("error-stage").value(), StandardCharsets.UTF_8)).isEqualTo("decode");
        assertThat(new String(out.headers().lastHeader("source-offset").value(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void aDeadLetterLargerThanItsTopicTakesLeavesOutTheValueThenHeadersThenKeyAndSaysSo() {
        ConsumerRecord<byte[], byte[]> big = record("cam-1", new byte[2_000_000], "capture-ts", "5");
        ProducerRecord<byte[], byte[]> out = new DeadLetterSerializationSchema("dlq", 1_048_588)
                .serialize(new DeadLetter(RawRecord.of(big), "decode", "not an image"), null, null);
        assertThat(out.value()).isNull();
        assertThat(out.key()).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(header(out, "capture-ts")).isEqualTo("5");
        assertThat(header(out, "dropped")).startsWith("value (2000000 bytes): the dead letter would exceed "
                + "kafka.dead-letter-max-bytes=1048588");
        assertThat(header(out, "source-offset")).isEqualTo("42");

        ConsumerRecord<byte[], byte[]> hostile = new ConsumerRecord<>("frames", 0, 7L, new byte[600_000], new byte[10]);
        hostile.headers().add("junk", new byte[600_000]);
        ProducerRecord<byte[], byte[]> trimmed = new DeadLetterSerializationSchema("dlq", 1_048_588)
                .serialize(new DeadLetter(RawRecord.of(hostile), "input", "x".repeat(10_000)), null, null);
        assertThat(trimmed.value()).isNull();
        assertThat(trimmed.key()).hasSize(600_000);
        assertThat(trimmed.headers().lastHeader("junk")).isNull();
        assertThat(header(trimmed, "dropped")).startsWith("value (10 bytes), headers (1, 600012 bytes)");
        assertThat(header(trimmed, "error")).hasSize(2_003).endsWith("...");
        long size = trimmed.key().length;
        for (var h : trimmed.headers()) {
            size += h.key().length() + h.value().length;
        }
        assertThat(size).isLessThan(1_048_588);

        ProducerRecord<byte[], byte[]> small = new DeadLetterSerializationSchema("dlq", 1_048_588)
                .serialize(new DeadLetter(RawRecord.of(record("cam", new byte[] {1, 2})), "decode", "bad"), null, null);
        assertThat(small.value()).containsExactly(1, 2);
        assertThat(small.headers().lastHeader("dropped")).isNull();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void enrollmentRequestsParseBothFormsAndRefuseBadOnesWithAReason() {
        String image = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        EnrollmentRequest images = EnrollmentRequest.parse("ann",
                ("{\"name\":\"Ann\",\"images\":[\"" + image + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(images.personId()).isEqualTo("ann");
        assertThat(images.name()).isEqualTo("Ann");
        assertThat(images.images()).hasSize(1);
        assertThat(images.images().get(0)).containsExactly(1, 2, 3);
        EnrollmentRequest embedding = EnrollmentRequest.parse("bob",
                EnrollmentRequest.ofEmbedding("bob", "Bob", new float[] {0.5f, 0.5f}, "m").json());
        assertThat(EnrollmentRequest.parse("ann", EnrollmentRequest.ofImages("ann", "Ann", images.images()).json()).images().get(0))
                .containsExactly(1, 2, 3);
        assertThat(embedding.embedding()).containsExactly(0.5f, 0.5f);
        assertThat(embedding.model()).isEqualTo("m");

        assertRefused("{", "malformed JSON");
        assertRefused("[1]", "must be a JSON object");
        assertRefused("{\"images\":[\"" + image + "\"]}", "missing \"name\"");
        assertRefused("{\"name\":\"A\"}", "exactly one of");
        assertRefused("{\"name\":\"A\",\"images\":[]}", "non-empty array");
        assertRefused("{\"name\":\"A\",\"images\":[\"***\"]}", "not valid base64");
        assertRefused("{\"name\":\"A\",\"embedding\":[1,2]}", "needs the \"model\"");
        assertRefused("{\"name\":\"A\",\"embedding\":[1,NaN],\"model\":\"m\"}", "embedding[1] is not finite");
        assertRefused("{\"name\":\"A\",\"embedding\":[1,\"x\"],\"model\":\"m\"}", "embedding[1] is not a number");
    }

    private static void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> EnrollmentRequest.parse("id", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EnrollmentRequest.InvalidEnrollmentException.class).hasMessageContaining(reason);
    }
}
