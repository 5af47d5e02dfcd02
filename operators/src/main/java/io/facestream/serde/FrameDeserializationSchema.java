package io.facestream.serde;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Frames topic: key = camera id (UTF-8), value = an encoded image, headers {@code capture-ts}
 * (epoch millis, UTF-8 decimal; the Kafka timestamp when absent) and {@code frame-seq}
 * (UTF-8 decimal; the Kafka offset when absent). Never throws: a bad record is marked.
 */
public final class FrameDeserializationSchema implements KafkaRecordDeserializationSchema<FrameRecord> {
    public static final String CAPTURE_TS = "capture-ts";
    public static final String FRAME_SEQ = "frame-seq";

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
        RawRecord raw = RawRecord.of(record);
        String camera = raw.keyText();
        String problem = camera == null || camera.isBlank() ? "missing key: the camera id" : null;
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
        out.collect(new FrameRecord(camera == null ? "" : camera, frameSeq, captureTs, raw, problem));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }
}
