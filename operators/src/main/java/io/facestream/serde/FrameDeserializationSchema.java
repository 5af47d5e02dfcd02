package io.facestream.serde;

import java.io.Serializable;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Frames topic: key = camera id (UTF-8, at most {@link TextLimits#MAX_ID_BYTES} bytes of printable characters), value = an encoded image, headers {@code capture-ts}
 * (epoch millis, UTF-8 decimal; the Kafka timestamp when absent) and {@code frame-seq}
 * (UTF-8 decimal; the Kafka offset when absent). Never throws: a bad record is marked with the
 * reason. A capture time must be plausible: not negative (Kafka refuses such a timestamp on the
 * matches it would stamp), not before 2000 (a camera whose clock was never set), and not further
 * ahead of this machine's clock than {@code maxClockSkewMs} (it would drag event time forward
 * for every camera of the partition).
 */
public final class FrameDeserializationSchema implements KafkaRecordDeserializationSchema<FrameRecord> {
    public static final String CAPTURE_TS = "capture-ts";
    public static final String FRAME_SEQ = "frame-seq";
    /** 2000-01-01T00:00:00Z: earlier capture times come from cameras whose clock was never set. */
    public static final long EARLIEST_CAPTURE_TS = 946_684_800_000L;

    /** This machine's clock, in epoch milliseconds (serializable: the schema travels with the job). */
    public interface Clock extends Serializable {
        long nowMs();
    }

    private final long maxClockSkewMs;
    private final Clock clock;

    public FrameDeserializationSchema(long maxClockSkewMs) {
        this(maxClockSkewMs, System::currentTimeMillis);
    }

    public FrameDeserializationSchema(long maxClockSkewMs, Clock clock) {
        this.maxClockSkewMs = maxClockSkewMs;
        this.clock = clock;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
        RawRecord raw = RawRecord.of(record);
        String problem = raw.key() == null || raw.key().length == 0 ? "missing key: the camera id"
                : TextLimits.idRefusal("the camera id (record key)", raw.key());
        // A refused id goes no further than the dead letter: it never becomes a key of state or of a result.
        String camera = problem == null ? raw.keyText() : "";
        long captureTs = record.timestamp();
        long frameSeq = record.offset();
        String captureText = raw.header(CAPTURE_TS);
        if (captureText != null) {
            try {
                captureTs = Long.parseLong(captureText.trim());
            } catch (NumberFormatException e) {
                problem = "header " + CAPTURE_TS + " is not epoch millis: '" + abbreviate(captureText) + "'";
            }
        }
        String seqText = raw.header(FRAME_SEQ);
        if (seqText != null) {
            try {
                frameSeq = Long.parseLong(seqText.trim());
            } catch (NumberFormatException e) {
                problem = "header " + FRAME_SEQ + " is not a number: '" + abbreviate(seqText) + "'";
            }
        }
        if (problem == null) {
            problem = implausible(captureTs, captureText != null);
        }
        out.collect(new FrameRecord(camera, frameSeq, captureTs, raw, problem));
    }

    private String implausible(long captureTs, boolean fromHeader) {
        String source = fromHeader ? "header " + CAPTURE_TS : "the Kafka timestamp (no " + CAPTURE_TS + " header)";
        if (captureTs < 0) {
            return "capture time " + captureTs + " from " + source + " is negative";
        }
        if (captureTs < EARLIEST_CAPTURE_TS) {
            return "capture time " + Instant.ofEpochMilli(captureTs) + " from " + source
                    + " is before 2000: is the camera's clock set?";
        }
        long ahead = captureTs - clock.nowMs();
        if (ahead > maxClockSkewMs) {
            return "capture time " + Instant.ofEpochMilli(captureTs) + " from " + source + " is " + ahead
                    + " ms ahead of this machine's clock, more than frames.max-clock-skew-ms=" + maxClockSkewMs;
        }
        return null;
    }

    private static String abbreviate(String text) {
        return TextLimits.quote(text);
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }
}
