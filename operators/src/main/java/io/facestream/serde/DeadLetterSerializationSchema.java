package io.facestream.serde;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter topic: the original key, value and headers, plus {@code error} (the reason),
 * {@code error-stage}, {@code source-topic}, {@code source-partition} and {@code source-offset}.
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RawRecord raw = letter.raw();
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < raw.headerNames().length; i++) {
            headers.add(raw.headerNames()[i], raw.headerValues()[i]);
        }
        headers.add("error", utf8(letter.error()));
        headers.add("error-stage", utf8(letter.stage()));
        headers.add("source-topic", utf8(raw.topic()));
        headers.add("source-partition", utf8(Integer.toString(raw.partition())));
        headers.add("source-offset", utf8(Long.toString(raw.offset())));
        return new ProducerRecord<>(topic, null, raw.timestamp() > 0 ? raw.timestamp() : null, raw.key(), raw.value(), headers);
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
