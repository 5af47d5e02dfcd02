package io.facestream.serde;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The size a results writer keeps to: no record it writes may be larger than its topic takes, or the sink fails, Flink
 * replays, fails again, and no camera gets results while the job restarts. Every field that enters the job is bounded
 * ({@link TextLimits}), so a result never comes near the budget; should one still, it goes to the dead-letter topic
 * (written in the same transaction) with the reason and what it was, cut to that topic's own budget, instead.
 */
public final class RecordBudget implements Serializable {
    /** The stage a dead letter of a result too large for its topic names. */
    public static final String STAGE_OUTPUT = "output";

    private final long maxBytes;
    private final DeadLetterSerializationSchema deadLetters;
    private final String setting;

    /**
     * {@code maxBytes}: the largest record the results topic takes ({@code setting} names the key that says so);
     * {@code deadLetterTopic} and {@code deadLetterMaxBytes}: where an oversized result goes instead.
     */
    public RecordBudget(long maxBytes, String setting, String deadLetterTopic, long deadLetterMaxBytes) {
        this.maxBytes = maxBytes;
        this.setting = setting;
        this.deadLetters = new DeadLetterSerializationSchema(deadLetterTopic, deadLetterMaxBytes);
    }

    /** No budget (tests and tools that write a few records of their own). */
    public static RecordBudget unlimited() {
        return new RecordBudget(Long.MAX_VALUE, "none", "unused", Long.MAX_VALUE);
    }

    /** {@code record} when it fits, else a dead letter that says it did not (and fits its own topic). */
    public ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> record) {
        long size = sizeOf(record);
        if (size <= maxBytes - DeadLetterSerializationSchema.OVERHEAD_BYTES) {
            return record;
        }
        RawRecord raw = new RawRecord(record.key(), record.value(), new String[0], new byte[0][], record.topic(), -1, -1,
                record.timestamp() == null ? -1 : record.timestamp());
        return deadLetters.serialize(new DeadLetter(raw, STAGE_OUTPUT, "a result of " + size + " bytes for topic '"
                + record.topic() + "' exceeds " + setting + "=" + maxBytes), null, null);
    }

    static long sizeOf(ProducerRecord<byte[], byte[]> record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + (header.value() == null ? 0 : header.value().length) + 8;
        }
        return size;
    }
}
