package io.facestream.job;

import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.RawRecord;
import io.facestream.stream.EnrollmentArchive;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The enrollments topic (compacted: a person's latest record stays) read back from the beginning to the end it has when
 * the read starts, by a consumer of its own that commits nothing (no group). Two passes: the first finds each wanted
 * person's latest record, the second hands those on, so a person is embedded once, from their latest photos, without
 * holding anyone's photos in memory meanwhile.
 */
public final class EnrollmentsTopicArchive implements EnrollmentArchive {
    private static final Duration POLL = Duration.ofMillis(500);
    private final Properties properties;
    private final String topic;

    /** {@code clientProperties}: security and other client settings, as the job's sources have them. */
    public EnrollmentsTopicArchive(String bootstrapServers, Properties clientProperties, String topic) {
        this.properties = new Properties();
        this.properties.putAll(clientProperties);
        this.properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.topic = topic;
    }

    @Override
    public void readLatest(Set<String> wanted, Consumer<EnrollmentRecord> each, BooleanSupplier cancelled) {
        Map<String, Long> latest = new HashMap<>(); // person -> partition and offset of their latest record
        read(cancelled, record -> {
            String id = new String(record.key(), StandardCharsets.UTF_8);
            if (wanted.contains(id)) {
                latest.put(id, position(record));
            }
        });
        if (cancelled.getAsBoolean()) {
            return;
        }
        read(cancelled, record -> {
            String id = new String(record.key(), StandardCharsets.UTF_8);
            Long position = latest.get(id);
            if (position != null && position == position(record) && record.value() != null
                    && !EnrollmentRequest.isDeletion(record.value())) {
                RawRecord raw = RawRecord.of(record);
                each.accept(new EnrollmentRecord(raw.keyText(), raw));
            }
        });
    }

    /** Partition and offset in one number: offsets stay far below 2^48. */
    private static long position(ConsumerRecord<byte[], byte[]> record) {
        return ((long) record.partition() << 48) | record.offset();
    }

    /** Every keyed record from the beginning to the end offsets taken now (committed transactions only). */
    private void read(BooleanSupplier cancelled, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties consumer = new Properties();
        consumer.putAll(properties);
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // If the log's start moves on during the read (retention), go on from the new start, not the end.
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (!cancelled.getAsBoolean() && !reachedEnd(reader, end)) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                    if (cancelled.getAsBoolean()) {
                        return;
                    }
                    if (record.key() != null && record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> reader, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (reader.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "topic " + topic;
    }
}
