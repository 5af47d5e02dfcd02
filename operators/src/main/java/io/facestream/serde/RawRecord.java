package io.facestream.serde;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A Kafka record as it arrived: key, value and headers kept byte for byte, so anything that
 * cannot be processed goes to the dead-letter topic unchanged.
 */
public record RawRecord(byte[] key, byte[] value, String[] headerNames, byte[][] headerValues, String topic,
                        int partition, long offset, long timestamp) implements Serializable {

    public static RawRecord of(ConsumerRecord<byte[], byte[]> record) {
        Header[] headers = record.headers().toArray();
        String[] names = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            names[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return new RawRecord(record.key(), record.value(), names, values, record.topic(), record.partition(),
                record.offset(), record.timestamp());
    }

    /** The last value of a header as UTF-8 text, or null when absent. */
    public String header(String name) {
        for (int i = headerNames.length - 1; i >= 0; i--) {
            if (headerNames[i].equals(name)) {
                return headerValues[i] == null ? null : new String(headerValues[i], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** Where it came from, for logs and dead letters: topic/partition@offset. */
    public String origin() {
        return topic + "/" + partition + "@" + offset;
    }

    /** The same record with one more header (UTF-8 text). */
    public RawRecord withHeader(String name, String text) {
        String[] names = java.util.Arrays.copyOf(headerNames, headerNames.length + 1);
        byte[][] values = java.util.Arrays.copyOf(headerValues, headerValues.length + 1);
        names[names.length - 1] = name;
        values[values.length - 1] = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new RawRecord(key, value, names, values, topic, partition, offset, timestamp);
    }

    /**
     * Where the record came from and nothing else: once a frame is analysed its key (the camera id, kept in the frame),
     * image and headers are not read again, so they neither travel between operators nor wait in state.
     */
    public RawRecord location() {
        return new RawRecord(null, null, new String[0], new byte[0][], topic, partition, offset, timestamp);
    }

    /** The same record without its value (once processed, the image need not travel further). */
    public RawRecord withoutValue() {
        return new RawRecord(key, null, headerNames, headerValues, topic, partition, offset, timestamp);
    }
}
