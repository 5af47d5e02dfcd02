package io.facestream.serde;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Enrollments topic records, kept raw: parsing and validation happen in the enrollment function. */
public final class EnrollmentDeserializationSchema implements KafkaRecordDeserializationSchema<EnrollmentRecord> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EnrollmentRecord> out) {
        RawRecord raw = RawRecord.of(record);
        out.collect(new EnrollmentRecord(raw.keyText(), raw));
    }

    @Override
    public TypeInformation<EnrollmentRecord> getProducedType() {
        return TypeInformation.of(EnrollmentRecord.class);
    }
}
