package io.facestream.serde;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter topic: the original key, value and headers, plus {@code error} (the reason),
 * {@code error-stage}, {@code source-topic}, {@code source-partition} and {@code source-offset}.
 * A dead letter must always be writable, also when the frames topic takes bigger records than
 * the dead-letter topic: what does not fit in {@code maxBytes} (value first, then the original
 * headers, then the key) is left out, and the {@code dropped} header says what and how big; the
 * source headers still point at the original.
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    /** Room for Kafka's own record and batch overhead inside the topic's limit. */
    static final int OVERHEAD_BYTES = 512;
    private static final int MAX_ERROR_CHARS = 2_000;

    private final String topic;
    private final long maxBytes;

    /** {@code maxBytes}: the largest record the dead-letter topic accepts (its {@code max.message.bytes}). */
    public DeadLetterSerializationSchema(String topic, long maxBytes) {
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RawRecord raw = letter.raw();
        RecordHeaders headers = new RecordHeaders();
        String error = letter.error() == null ? "" : letter.error();
        headers.add("error", utf8(error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS) + "..."));
        headers.add("error-stage", utf8(letter.stage()));
        headers.add("source-topic", utf8(raw.topic()));
        headers.add("source-partition", utf8(Integer.toString(raw.partition())));
        headers.add("source-offset", utf8(Long.toString(raw.offset())));
        long budget = maxBytes - OVERHEAD_BYTES - sizeOf(headers) - 256; // 256: room for the "dropped" header
        List<String> dropped = new ArrayList<>();
        byte[] key = raw.key();
        long keySize = key == null ? 0 : key.length;
        long headerSize = originalHeadersSize(raw);
        byte[] value = raw.value();
        long valueSize = value == null ? 0 : value.length;
        if (keySize + headerSize + valueSize > budget && value != null) {
            dropped.add("value (" + valueSize + " bytes)");
            value = null;
            valueSize = 0;
        }
        boolean keepHeaders = keySize + headerSize <= budget;
        if (!keepHeaders) {
            dropped.add("headers (" + raw.headerNames().length + ", " + headerSize + " bytes)");
        }
        if (keySize > budget) {
            dropped.add("key (" + keySize + " bytes)");
            key = null;
        }
        RecordHeaders out = new RecordHeaders();
        if (keepHeaders) {
            for (int i = 0; i < raw.headerNames().length; i++) {
                out.add(raw.headerNames()[i], raw.headerValues()[i]);
            }
        }
        headers.forEach(out::add);
        if (!dropped.isEmpty()) {
            out.add("dropped", utf8(String.join(", ", dropped) + ": the dead letter would exceed "
                    + "kafka.dead-letter-max-bytes=" + maxBytes + "; the source headers point at the original"));
        }
        return new ProducerRecord<>(topic, null, raw.timestamp() > 0 ? raw.timestamp() : null, key, value, out);
    }

    private static long originalHeadersSize(RawRecord raw) {
        long size = 0;
        for (int i = 0; i < raw.headerNames().length; i++) {
            size += raw.headerNames()[i].getBytes(StandardCharsets.UTF_8).length
                    + (raw.headerValues()[i] == null ? 0 : raw.headerValues()[i].length) + 8;
        }
        return size;
    }

    private static long sizeOf(RecordHeaders headers) {
        long size = 0;
        for (var header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + (header.value() == null ? 0 : header.value().length) + 8;
        }
        return size;
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
