package io.facestream.ingest;

import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.FrameDeserializationSchema;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes frames and enrollments in the job's wire format (see the README). */
public final class FaceStreamProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    public FaceStreamProducer(String bootstrapServers) {
        this(bootstrapServers, new Properties());
    }

    /** With client properties for a secured cluster ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...). */
    public FaceStreamProducer(String bootstrapServers, Properties client) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A wrong address should fail a command in seconds, not after the default minute.
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(33 * 1024 * 1024));
        properties.putAll(client);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.producer = new KafkaProducer<>(properties);
    }

    /** A frame: key camera id; headers capture-ts and frame-seq as UTF-8 decimal text. */
    public Future<RecordMetadata> sendFrame(String topic, String camera, long frameSeq, long captureTs, byte[] image) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FrameDeserializationSchema.CAPTURE_TS, Long.toString(captureTs).getBytes(StandardCharsets.UTF_8));
        headers.add(FrameDeserializationSchema.FRAME_SEQ, Long.toString(frameSeq).getBytes(StandardCharsets.UTF_8));
        return producer.send(new ProducerRecord<>(topic, null, captureTs, utf8(camera), image, headers));
    }

    /** Any record, for odd inputs in tests and tools. */
    public Future<RecordMetadata> sendRaw(ProducerRecord<byte[], byte[]> record) {
        return producer.send(record);
    }

    /** An enrollment, waiting until the broker has it. */
    public void sendEnrollment(String topic, EnrollmentRequest request) {
        sendEnrollment(topic, request.personId(), request.json());
    }

    /**
     * Deletes the person with a deletion marker rather than a tombstone: compaction removes a tombstone after the
     * topic's delete.retention.ms, after which a person also in gallery.dir would come back on a fresh start; the
     * marker stays as their latest record (it holds only the id).
     */
    public void sendDeletion(String topic, String personId) {
        sendEnrollment(topic, personId, EnrollmentRequest.deletionMarker());
    }

    /** An enrollments-topic record as given: key person id, value the JSON (null deletes the person). */
    public void sendEnrollment(String topic, String personId, byte[] json) {
        try {
            producer.send(new ProducerRecord<>(topic, utf8(personId), json)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write enrollment of '" + personId + "' to " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    public void flush() {
        producer.flush();
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
