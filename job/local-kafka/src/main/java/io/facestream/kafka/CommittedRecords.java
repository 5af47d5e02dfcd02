package io.facestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic with read_committed (only what the job's transactions committed), by default from the beginning. */
public final class CommittedRecords implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    public CommittedRecords(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, true);
    }

    /** From the oldest record kept, or only records written from now on. */
    public CommittedRecords(String bootstrapServers, String topic, boolean fromBeginning) {
        this(bootstrapServers, topic, fromBeginning, new Properties());
    }

    /** With client properties for a secured cluster ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...). */
    public CommittedRecords(String bootstrapServers, String topic, boolean fromBeginning, Properties client) {
        Properties properties = new Properties();
        properties.putAll(client);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "facestream-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        consumer = new KafkaConsumer<>(properties);
        consumer.subscribe(List.of(topic));
    }

    /** One poll; hands each record to {@code sink} and returns how many there were. */
    public int poll(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        int count = 0;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            sink.accept(record);
            count++;
        }
        return count;
    }

    /** Everything committed until no new record arrived for {@code quiet}. */
    public List<ConsumerRecord<byte[], byte[]>> readUntilQuiet(Duration quiet, Duration max) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + max.toNanos();
        long lastNew = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - lastNew < quiet.toNanos()) {
            if (poll(Duration.ofMillis(200), records::add) > 0) {
                lastNew = System.nanoTime();
            }
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
